"""``{% deal_processes deal %}``: the "Processes" section of the deal card.

A template tag, not context from the crm view: crm must not import automation (the import contract). The card only
ever renders a deal its reader may see."""

from django import template

from podbor.automation.views.deal import deal_processes_context

register = template.Library()


@register.inclusion_tag("automation/_deal_processes.html", takes_context=True)
def deal_processes(context, deal) -> dict:
    return {**deal_processes_context(context.get("user"), deal), "csrf_token": context.get("csrf_token")}
