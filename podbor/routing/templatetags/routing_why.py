"""``{% assignment_why deal %}``: the "Why this manager" block of the deal card.

A template tag rather than context from the crm view: crm must not import routing (the import contract), and the card
only ever renders a deal the reader may see."""

from django import template

from podbor.routing.selectors import assignment_latest, assignment_summary, considered_explained

register = template.Library()


@register.inclusion_tag("routing/_assignment_why.html", takes_context=True)
def assignment_why(context, deal) -> dict:
    assignment = assignment_latest(deal)
    if assignment is None:
        return {"assignment": None}
    reader = context.get("user")
    considered = considered_explained(assignment)
    # Team leads and administrators see every manager considered; a manager sees the decision and their own line.
    if reader is None or not (reader.is_admin or reader.is_team_lead):
        considered = [c for c in considered if reader is not None and c["user"] == reader.pk]
    return {"assignment": assignment, "summary": assignment_summary(assignment), "considered": considered}
