"""Reactions of call lists to domain events (subscribed in podbor.routing.apps)."""

from podbor.accounts.models import User
from podbor.accounts.selectors import presence_effective
from podbor.events.models import DomainEvent
from podbor.routing.calllists.building import call_list_for_work

SUBSCRIBER = "routing.call_list"


def on_presence_changed(event: DomainEvent) -> None:
    """A manager came to work: their call list is ready (today's stays if it still has leads to call).

    Administrators do not call from lists unless they ask (their list would take leads from every team). A late
    dispatch of an old event builds nothing for someone who has left since."""
    if event.payload.get("status") != User.Presence.AT_WORK:
        return
    user = User.objects.filter(pk=event.payload.get("user"), is_active=True).first()
    if user is None or user.is_admin or presence_effective(user) != User.Presence.AT_WORK:
        return
    call_list_for_work(user=user)
