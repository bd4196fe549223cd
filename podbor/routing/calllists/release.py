"""Leads held by absent managers go back for others to call.

A manager who is Off (switched Off, or left "At work" outside their working hours past the grace period: see
``podbor.accounts.selectors.presence_off_since``) keeps nobody waiting for long: once they have been Off for
``CALL_LIST_RELEASE_HOURS`` (2) and their list is at least that old, its open items are released (state
"released"), so that the leads are free for the next list anybody builds. A deactivated user's items go the same way.

A callback pinned to that manager keeps its pin: while the pin holds (``CALL_LIST_PIN_MINUTES`` after the callback
time) the item stays in their list; after that it is released like the others and anyone may take it. The lead's
call state is never touched here.

Each manager is released in their own transaction holding their user row, the lock every build of their list and
every presence switch takes first: a manager coming back to work, or building a list, at that moment is seen as it
is, and no lead is ever in two open lists (releasing only takes items out of a list). An item whose call is being
logged meanwhile is left alone (the update only touches items still open).
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from podbor.accounts.models import User
from podbor.accounts.selectors import presence_off_since, users_with_presence_effective
from podbor.routing.calllists.building import pin_release
from podbor.routing.models import CallList, CallListItem, LeadCallState

logger = logging.getLogger(__name__)


def release_after() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "CALL_LIST_RELEASE_HOURS", 2))


def _held_items(user: User, *, held_since: datetime.datetime):
    """Open items of the user's open lists built at or before ``held_since``."""
    return CallListItem.objects.filter(call_list__user=user, call_list__closed_at__isnull=True,
                                       call_list__built_at__lte=held_since, state=CallListItem.State.OPEN)


@transaction.atomic
def _release(user_id: int, *, now: datetime.datetime, held_since: datetime.datetime) -> int:
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return 0
    if user.is_active:
        off_since = presence_off_since(user, at=now)
        if off_since is None or off_since > held_since:
            return 0
    pin_holds = LeadCallState.objects.filter(deal=OuterRef("deal_id"), pinned_user=user,
                                             callback_at__gt=now - pin_release())
    items = _held_items(user, held_since=held_since).exclude(Exists(pin_holds))
    ids = list(items.select_for_update(of=("self",)).values_list("pk", flat=True))
    released = CallListItem.objects.filter(pk__in=ids, state=CallListItem.State.OPEN).update(
        state=CallListItem.State.RELEASED)
    if released:
        logger.info("call list: released %s leads held by user %s, absent", released, user.pk)
    return released


def call_lists_release_absent(*, now: datetime.datetime | None = None) -> int:
    """Release the leads held by managers absent for ``CALL_LIST_RELEASE_HOURS`` (see the module's docstring);
    answers how many items were released. Safe to run any number of times, at once too."""
    now = now or timezone.now()
    held_since = now - release_after()
    old_lists = CallList.objects.filter(closed_at__isnull=True, built_at__lte=held_since).filter(
        Exists(CallListItem.objects.filter(call_list=OuterRef("pk"), state=CallListItem.State.OPEN)))
    holders = users_with_presence_effective(User.objects.filter(pk__in=old_lists.values("user_id")), at=now)
    absent = holders.filter(Q(presence_effective_now=User.Presence.OFF) | Q(is_active=False))
    return sum(_release(pk, now=now, held_since=held_since) for pk in absent.values_list("pk", flat=True))
