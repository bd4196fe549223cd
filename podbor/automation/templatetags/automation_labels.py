"""Readable labels for what the engine and the host store as codes: step states and how an instance started."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

STEP_STATES = {
    "COMPLETED": gettext_lazy("done"),
    "CANCELLED": gettext_lazy("cancelled"),
    "ERROR": gettext_lazy("failed"),
    "READY": gettext_lazy("ready"),
    "WAITING": gettext_lazy("waiting"),
    "STARTED": gettext_lazy("in progress"),
}


@register.filter
def step_state(code: str) -> str:
    return str(STEP_STATES.get(code, code))


@register.filter
def started_how(trigger: str) -> str:
    """``manual``, ``timer``, ``event:<id>`` or ``process:<id>``, as ProcessInstance.trigger stores them."""
    kind, _sep, ref = (trigger or "").partition(":")
    if kind == "manual":
        return _("by hand")
    if kind == "timer":
        return _("by its timer")
    if kind == "event":
        return _("by a trigger (event #%(id)s)") % {"id": ref}
    if kind == "process":
        return _("by process instance #%(id)s") % {"id": ref}
    return trigger or "—"
