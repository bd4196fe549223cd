"""Reads of call lists: the manager's current list, its items, the next lead to call and today's counts."""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from podbor.accounts.models import User
from podbor.crm.models import ContactPhone
from podbor.crm.selectors import deals_visible_to
from podbor.routing.models import CallList, CallListFilter, CallListItem


def day_start(now: datetime.datetime | None = None) -> datetime.datetime:
    """Midnight of the server's time zone: "today" for carry-over and today's counts."""
    return timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)


def call_list_current(user: User) -> CallList | None:
    lists = CallList.objects.filter(user=user, closed_at__isnull=True).select_related("chosen_filter")
    return lists.order_by("-built_at", "-id").first()


def call_items_of(user: User) -> QuerySet[CallListItem]:
    """Items of the user's own lists (any other item is a 404 for them)."""
    return CallListItem.objects.filter(call_list__user=user)


def _callable(items: QuerySet[CallListItem], user: User) -> QuerySet[CallListItem]:
    """Open items whose deal is still open and visible to the list's owner."""
    visible_open = deals_visible_to(user).filter(pk=OuterRef("deal_id"), closed_at__isnull=True)
    return items.filter(state=CallListItem.State.OPEN).filter(Exists(visible_open))


def call_list_items(call_list: CallList) -> QuerySet[CallListItem]:
    """The list's items with what the page and the API show: deal, stage, contact and phones."""
    phones = Prefetch("deal__contact__phones", queryset=ContactPhone.objects.order_by("order", "id"))
    return (
        call_list.items.select_related("deal", "deal__stage", "deal__contact", "deal__call_state", "source_filter")
        .prefetch_related(phones)
        .order_by("position", "id")
    )


def call_item_next(call_list: CallList) -> CallListItem | None:
    """The next lead to call: the first open item whose deal is still open and visible to the manager."""
    return _callable(call_list_items(call_list), call_list.user).first()


def call_list_queue(call_list: CallList) -> list[CallListItem]:
    """The leads still to call, in order."""
    return list(_callable(call_list_items(call_list), call_list.user))


def call_counts_today(user: User, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Calls logged today from the user's lists: ``{"total": n, "<outcome>": n…}`` (every outcome present)."""
    rows = (
        CallListItem.objects.filter(call_list__user=user, state=CallListItem.State.DONE, done_at__gte=day_start(now))
        .values("outcome").annotate(n=Count("id"))
    )
    counts = dict.fromkeys(CallListItem.Outcome.values, 0)
    for row in rows:
        counts[row["outcome"]] = row["n"]
    counts["total"] = sum(counts.values())
    return counts


def call_list_filters() -> QuerySet[CallListFilter]:
    return CallListFilter.objects.select_related("pipeline").prefetch_related("stages", "required_skills")
