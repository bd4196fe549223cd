"""The process pages: the designer (administrators), instances and incidents (team leads too), and the deal card's
"Processes" section (whoever may see the deal)."""
