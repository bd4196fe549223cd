"""Building a manager's call list: N leads (settings.CALL_LIST_SIZE) in this order:

1. yesterday's unfinished items (a list built before today that still has leads to call carries them over);
2. leads with a callback due (``LeadCallState.callback_at <= now``), the earliest first. A lead pinned to another
   manager is skipped until ``CALL_LIST_PIN_MINUTES`` (30) have passed since its callback time; then anyone may
   take it;
3. the active filters' leads by share: a filter that needs a skill the manager lacks gives them nothing and the
   shares are recomputed over the rest; a filter with fewer leads than its share leaves its places to the others.
   Within a filter the newest lead comes first: the odds of reaching a lead fall fast with its age.

The filter a manager chooses is remembered on their list (``CallList.chosen_filter``) and every later build (coming
to work, finishing the list, a new day) uses it until they choose another. A chosen filter that was deleted,
deactivated or needs a skill the manager lacks falls back, quietly, to all their filters by share.

Only open deals the manager may see, and none that is in anybody's open list: the partial unique index
``call_item_open_once`` makes that a database fact. On PostgreSQL candidates are locked with
``SELECT … FOR UPDATE SKIP LOCKED`` so that managers building at once take different leads; a lead another build
took in between fails the insert (IntegrityError) and is skipped. SQLite admits one writer at a time.

Building a list releases the manager's other open items (state "released"), closes their previous list and records
why it was built.
"""

import datetime
import enum
from typing import Literal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.crm.selectors import deals_visible_to
from podbor.routing.calllists.filters import filter_deals
from podbor.routing.calllists.selectors import call_item_next, call_list_current, day_start
from podbor.routing.models import CallList, CallListFilter, CallListItem, LeadCallState

WHY_CAME_TO_WORK = "came_to_work"
WHY_ASKED = "asked"
WHY_FILTER_CHANGED = "filter_changed"
WHY_FINISHED = "list_finished"
WHY_FIRST = "first_list"
WHY_NEW_DAY = "new_day"
WHY_LABELS = {
    WHY_CAME_TO_WORK: _("came to work"),
    WHY_ASKED: _("asked for a new list"),
    WHY_FILTER_CHANGED: _("chose a filter"),
    WHY_FINISHED: _("finished the list"),
    WHY_FIRST: _("first list"),
    WHY_NEW_DAY: _("new day"),
}
# An empty list (nothing to call) is not rebuilt on every look at it.
EMPTY_LIST_RETRY = datetime.timedelta(seconds=60)
_ROUNDS = 3

Pick = tuple[int, int | None, bool]  # deal id, filter id, is a callback


class _Remembered(enum.Enum):
    FILTER = "remembered"


# ``only_filter`` left out: the filter the manager chose before.
REMEMBERED = _Remembered.FILTER
FilterChoice = CallListFilter | None | Literal[_Remembered.FILTER]


def call_list_size() -> int:
    return getattr(settings, "CALL_LIST_SIZE", 20)


def pin_release() -> datetime.timedelta:
    """How long after its time a callback pinned to a manager waits for them alone."""
    return datetime.timedelta(minutes=getattr(settings, "CALL_LIST_PIN_MINUTES", 30))


def shares_split(total: int, weights: list[int]) -> list[int]:
    """``total`` places split by ``weights`` (largest remainder: the parts add up to ``total`` exactly)."""
    if not weights or total <= 0:
        return [0] * len(weights)
    if sum(weights) <= 0:
        weights = [1] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _free(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """Not in anybody's open list."""
    return deals.filter(~Exists(CallListItem.objects.filter(deal=OuterRef("pk"), state=CallListItem.State.OPEN)))


def _take(deals: QuerySet[Deal], taken: set[int], n: int, *, order: tuple[str, ...] = ("-pk",)) -> list[int]:
    if n <= 0:
        return []
    deals = deals.exclude(pk__in=taken).order_by(*order) if taken else deals.order_by(*order)
    if connection.vendor == "postgresql":
        deals = deals.select_for_update(skip_locked=True, of=("self",))
    return list(deals.values_list("pk", flat=True)[:n])


def _callbacks_due(user: User, open_deals: QuerySet[Deal], taken: set[int], n: int, now) -> list[Pick]:
    # From the call states' side: few leads wait for a callback, and their callback_at index gives the order.
    pinned_elsewhere_ok = now - pin_release()
    due = LeadCallState.objects.filter(callback_at__lte=now).filter(
        Q(pinned_user__isnull=True) | Q(pinned_user=user) | Q(callback_at__lte=pinned_elsewhere_ok)
    ).filter(
        Exists(_free(open_deals).filter(pk=OuterRef("deal_id")))
    )
    if taken:
        due = due.exclude(deal_id__in=taken)
    due = due.order_by("callback_at", "deal_id")
    if connection.vendor == "postgresql":
        due = due.select_for_update(skip_locked=True, of=("self",))
    return [(pk, None, True) for pk in due.values_list("deal_id", flat=True)[:n]]


def filters_for(user: User) -> list[CallListFilter]:
    """The active filters this manager can work: those whose required skills they all have."""
    filters = CallListFilter.objects.filter(is_active=True).prefetch_related("stages", "required_skills")
    skills = set(user.skills.values_list("pk", flat=True))
    return [f for f in filters if {s.pk for s in f.required_skills.all()} <= skills]


def _from_filters(filters: list[CallListFilter], open_deals: QuerySet[Deal], taken: set[int], n: int) -> list[Pick]:
    # A lead waiting for its callback is called at that time (step 2), not before.
    pool = _free(open_deals).filter(
        ~Exists(LeadCallState.objects.filter(deal=OuterRef("pk"), callback_at__isnull=False)))
    picks: list[Pick] = []
    seen = set(taken)
    exhausted: set[int] = set()
    stage_ids = {f.pk: [s.pk for s in f.stages.all()] for f in filters}
    for call_filter, quota in zip(filters, shares_split(n, [f.weight for f in filters]), strict=True):
        ids = _take(filter_deals(call_filter, pool, stage_ids=stage_ids[call_filter.pk]), seen, quota)
        if len(ids) < quota:
            exhausted.add(call_filter.pk)
        seen.update(ids)
        picks += [(pk, call_filter.pk, False) for pk in ids]
    for call_filter in filters:
        if len(picks) >= n:
            break
        if call_filter.pk in exhausted:
            continue
        ids = _take(filter_deals(call_filter, pool, stage_ids=stage_ids[call_filter.pk]), seen, n - len(picks))
        seen.update(ids)
        picks += [(pk, call_filter.pk, False) for pk in ids]
    return picks


def _insert(call_list: CallList, picks: list[Pick], start: int) -> tuple[list[CallListItem], list[int]]:
    """Insert the items; those whose lead another build took meanwhile are skipped: (inserted, lost deal ids)."""
    rows = [CallListItem(call_list=call_list, deal_id=deal_id, source_filter_id=filter_id, position=start + i,
                         is_callback=callback) for i, (deal_id, filter_id, callback) in enumerate(picks)]
    try:
        with transaction.atomic():
            CallListItem.objects.bulk_create(rows)
        return rows, []
    except IntegrityError:
        pass
    kept, lost = [], []
    for row in rows:
        row.pk, row.position = None, start + len(kept)
        try:
            with transaction.atomic():
                row.save()
            kept.append(row)
        except IntegrityError:
            lost.append(row.deal_id)
    return kept, lost


def call_list_latest(user: User) -> CallList | None:
    """The manager's last list, open or closed: it holds their chosen filter."""
    return CallList.objects.filter(user=user).order_by("-built_at", "-id").first()


def _filters_chosen(user: User, chosen_id: int | None) -> tuple[list[CallListFilter], CallListFilter | None]:
    """The filters a build takes leads from, and the chosen one when it can still be used (else None: all)."""
    usable = filters_for(user)
    chosen = next((f for f in usable if f.pk == chosen_id), None)
    return ([chosen] if chosen is not None else usable), chosen


@transaction.atomic
def call_list_build(
    *, user: User, why: str, only_filter: FilterChoice = REMEMBERED, now: datetime.datetime | None = None,
    size: int | None = None,
) -> CallList:
    """Build the manager's new call list (see the module's docstring). ``only_filter``: the filter the manager
    chooses, remembered for later builds (None: all their filters by share); left out, the one they chose before.
    Callbacks and carried-over items still come first."""
    now = now or timezone.now()
    size = size or call_list_size()
    # One build per manager at a time: two tabs asking at once must not release each other's items.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    if only_filter is REMEMBERED:
        previous = call_list_latest(user)
        chosen_id = previous.chosen_filter_id if previous is not None else None
    else:
        chosen_id = only_filter.pk if only_filter is not None else None
    filters, chosen = _filters_chosen(user, chosen_id)
    old_items = list(
        CallListItem.objects.select_for_update(of=("self",))
        .filter(call_list__user=user, call_list__closed_at__isnull=True, state=CallListItem.State.OPEN)
        .select_related("call_list").order_by("call_list__built_at", "position", "id")
    )
    today = day_start(now)
    carried = [i for i in old_items if i.call_list.built_at < today]
    CallListItem.objects.filter(pk__in=[i.pk for i in old_items]).update(state=CallListItem.State.RELEASED)
    CallList.objects.filter(user=user, closed_at__isnull=True).update(closed_at=now)
    call_list = CallList.objects.create(user=user, built_at=now, size=size, why=why[:60], chosen_filter=chosen)

    open_deals = deals_visible_to(user).filter(closed_at__isnull=True)
    picks: list[Pick] = []
    if carried:
        still_open = set(open_deals.filter(pk__in=[i.deal_id for i in carried]).values_list("pk", flat=True))
        for item in carried:
            if item.deal_id in still_open and len(picks) < size:
                still_open.discard(item.deal_id)
                picks.append((item.deal_id, item.source_filter_id, item.is_callback))
    items, _lost = _insert(call_list, picks, 0)
    taken = {i.deal_id for i in items}
    for _round in range(_ROUNDS):
        wanted = size - len(items)
        if wanted <= 0:
            break
        picks = _callbacks_due(user, open_deals, taken, wanted, now)
        picks += _from_filters(filters, open_deals, taken | {p[0] for p in picks}, wanted - len(picks))
        if not picks:
            break
        inserted, lost = _insert(call_list, picks, len(items))
        items += inserted
        taken |= {p[0] for p in picks}
        if not lost:
            break
    return call_list


def call_list_rebuild(*, user: User, only_filter: FilterChoice = REMEMBERED,
                      now: datetime.datetime | None = None) -> CallList:
    """The manager asked for a new list, choosing a filter (None: all their filters) or, left out, keeping the one
    they chose before. The list says "chose a filter" when the choice changed."""
    if only_filter is REMEMBERED:
        why = WHY_ASKED
    else:
        previous = call_list_latest(user)
        before = previous.chosen_filter_id if previous is not None else None
        why = WHY_ASKED if (only_filter.pk if only_filter is not None else None) == before else WHY_FILTER_CHANGED
    return call_list_build(user=user, why=why, only_filter=only_filter, now=now)


def call_list_for_work(*, user: User, now: datetime.datetime | None = None) -> CallList:
    """The manager came to work: today's list stays if it still has leads to call; otherwise a new one."""
    now = now or timezone.now()
    current = call_list_current(user)
    if current is not None and current.built_at >= day_start(now) and call_item_next(current) is not None:
        return current
    return call_list_build(user=user, why=WHY_CAME_TO_WORK, now=now)


def call_list_ensure(*, user: User, now: datetime.datetime | None = None) -> CallList:
    """The list to show: the current one, or a new one when there is none, it is from an earlier day, or it is
    finished. An empty list (nothing matched) is retried at most once a minute."""
    now = now or timezone.now()
    current = call_list_current(user)
    if current is None:
        return call_list_build(user=user, why=WHY_FIRST, now=now)
    if current.built_at < day_start(now):
        return call_list_build(user=user, why=WHY_NEW_DAY, now=now)
    if call_item_next(current) is not None:
        return current
    if not current.items.exists() and now - current.built_at < EMPTY_LIST_RETRY:
        return current
    return call_list_build(user=user, why=WHY_FINISHED, now=now)
