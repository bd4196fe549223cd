"""Small display helpers for the manager's UI."""

import datetime
import re

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.lib.phones import phone_format

register = template.Library()

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# One glyph a kind, for the timeline and the task lists.
_TIMELINE_ICONS = {"note": "✎", "stage": "➜", "task": "✓", "call": "☎", "message": "✉", "system": "⚙"}
_TASK_ICONS = {"call": "☎", "meeting": "☕", "interview": "☷", "other": "•"}


@register.filter
def phone(value) -> str:
    """A stored phone (E.164 or as entered) as people read it."""
    e164 = getattr(value, "e164", None) or str(value or "")
    if e164.startswith("+"):
        return phone_format(e164)
    return getattr(value, "raw", None) or e164


@register.filter
def age(since: datetime.datetime | None) -> str:
    """How long ago, in the largest whole unit: '12 min', '5 h', '3 d'."""
    if since is None:
        return ""
    seconds = max(0, int((timezone.now() - since).total_seconds()))
    if seconds < 3600:
        return _("%(n)d min") % {"n": max(1, seconds // 60)}
    if seconds < 86400:
        return _("%(n)d h") % {"n": seconds // 3600}
    return _("%(n)d d") % {"n": seconds // 86400}


@register.filter
def overdue(due: datetime.datetime | None) -> bool:
    return due is not None and due < timezone.now()


@register.filter
def timeline_icon(kind: str) -> str:
    return _TIMELINE_ICONS.get(kind, "•")


@register.filter
def task_icon(kind: str) -> str:
    return _TASK_ICONS.get(kind, "•")


@register.filter
def colour(value: str) -> str:
    """A stage colour safe to put in a style attribute, or empty."""
    return value if value and _HEX_COLOUR.match(value) else ""


@register.filter
def initials(user) -> str:
    if user is None:
        return ""
    parts = [p for p in (getattr(user, "first_name", ""), getattr(user, "last_name", "")) if p]
    if not parts:
        return (getattr(user, "username", "") or "?")[:2].upper()
    return "".join(p[0] for p in parts).upper()


@register.filter
def card_name(deal) -> str:
    """A card's headline: the contact's name, or the deal's title."""
    contact = deal.contact if deal.contact_id else None
    return (contact.full_name if contact is not None else "") or deal.title
