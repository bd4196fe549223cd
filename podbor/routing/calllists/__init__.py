"""Call lists: saved lead filters with shares, building a manager's list of leads to call, and the call card's
outcomes. Writes are in ``filters``, ``building`` and ``outcomes``; reads in ``selectors``."""
