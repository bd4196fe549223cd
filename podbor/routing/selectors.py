"""Reads for distribution: which rule applies, how loaded managers are, the unassigned queue, and the
explanation of an assignment in the reader's language."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.crm.selectors import deals_visible_to
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal

# Why a manager was skipped or chosen: stored as a code with its parameters, shown in the reader's language.
REASONS = {
    "eligible": _("eligible"),
    "chosen_round_robin": _("chosen: next in turn"),
    "chosen_weighted": _("chosen: share %(weight)s %%"),
    "chosen_least_loaded": _("chosen: fewest open untouched leads (%(count)s)"),
    "chosen_returning": _("chosen: returning candidate, had the deal “%(deal)s”"),
    "paused": _("paused"),
    "off": _("not at work"),
    "inactive": _("account disabled"),
    "team": _("not in team “%(team)s”"),
    "skill": _("no %(skill)s"),
    "limit": _("limit %(limit)s reached"),
    "excluded": _("had the lead: handed to the next manager"),
}
OUTCOMES = {
    "assigned": _("Assigned by the rule “%(rule)s”."),
    "queued": _("Nobody eligible under the rule “%(rule)s”: the deal waits in the unassigned queue."),
    "no_rule": _("No active distribution rule matches this deal's pipeline and source."),
    "manual": _("Assigned by hand by %(actor)s."),
    "closed": _("The deal is closed: nobody is assigned."),
}


def reason_text(code: str, params: dict | None = None) -> str:
    template = REASONS.get(code) or OUTCOMES.get(code)
    if template is None:
        return code
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


def rule_for_deal(deal: Deal) -> DistributionRule | None:
    """The first active rule by priority for the deal's pipeline whose source is empty or the deal's."""
    return (DistributionRule.objects.filter(pipeline_id=deal.pipeline_id, is_active=True)
            .filter(Q(source="") | Q(source=deal.source)).order_by("priority", "id").first())


def rules_list() -> QuerySet[DistributionRule]:
    return DistributionRule.objects.select_related("pipeline", "team").prefetch_related(
        "members__user", "required_skills").order_by("pipeline__order", "pipeline_id", "priority", "id")


def untouched_counts(user_ids: Iterable[int], *, cap: int | None = None,
                     scan_at_most: int | None = None) -> dict[int, int] | None:
    """Open deals not yet touched per manager, read from the partial index ``deal_untouched_idx``.

    With ``cap`` each manager's count stops at ``cap`` (a limit check needs no more): the cost is bounded by
    managers × cap index entries, whatever the size of the backlog (the assignment decision counts so, first inside
    its read of the rule's managers). With ``scan_at_most`` one grouped count reads at most that many entries and
    answers None when there are more (the caller then counts with a cap). SQLite is told to use the partial index:
    left to itself it walks (responsible, closed_at) and reads every open deal's row (2 s with 1,000,000 deals, not
    2 ms). PostgreSQL gets the managers as one array: psycopg spends a millisecond placing 200 separate parameters."""
    ids = [int(pk) for pk in user_ids]
    if not ids:
        return {}
    table = connection.ops.quote_name(Deal._meta.db_table)
    untouched = "closed_at IS NULL AND touched_at IS NULL"
    if connection.vendor == "postgresql":
        hint, managers, params = "", "SELECT unnest(%s::bigint[])", [ids]
    else:
        hint = " INDEXED BY deal_untouched_idx" if connection.vendor == "sqlite" else ""
        managers, params = "VALUES " + ", ".join(["(%s)"] * len(ids)), ids
    with connection.cursor() as cursor:
        if cap is None:
            rows = (f"SELECT responsible_id FROM {table}{hint} WHERE {untouched} "  # noqa: S608
                    f"AND responsible_id IN (SELECT id FROM m)")
            if scan_at_most is not None:
                rows += f" LIMIT {int(scan_at_most) + 1}"
            cursor.execute(f"WITH m(id) AS ({managers}) SELECT responsible_id, COUNT(*) FROM ({rows}) AS u "  # noqa: S608
                           f"GROUP BY responsible_id", params)
            counts = {pk: n for pk, n in cursor.fetchall()}
            if scan_at_most is not None and sum(counts.values()) > scan_at_most:
                return None
            return counts
        # One bounded sub-count per manager, in one statement: each walks at most ``cap`` index entries (half the
        # time of one grouped count of 5,000 entries on SQLite; a quarter of a UNION ALL of sub-counts on PostgreSQL).
        cursor.execute(f"WITH m(id) AS ({managers}) SELECT m.id, (SELECT COUNT(*) FROM (SELECT 1 FROM {table}{hint} "  # noqa: S608
                       f"WHERE responsible_id = m.id AND {untouched} LIMIT %s) AS t) FROM m", [*params, int(cap)])
        return {pk: n for pk, n in cursor.fetchall()}


def queue_visible_to(user: User) -> QuerySet[QueuedDeal]:
    """Deals waiting for a manager, oldest first; team leads and admins only, within what they may see."""
    if not (user.is_authenticated and user.is_active and (user.is_admin or user.is_team_lead)):
        return QueuedDeal.objects.none()
    return (QueuedDeal.objects.filter(deal__in=deals_visible_to(user))
            .select_related("deal", "deal__pipeline", "deal__stage", "deal__contact", "rule")
            .order_by("queued_at", "id"))


def assignment_latest(deal: Deal) -> Assignment | None:
    return Assignment.objects.filter(deal=deal).select_related("rule", "user", "actor").order_by("-id").first()


def considered_explained(assignment: Assignment) -> list[dict]:
    """The managers considered, each with its reason in the reader's language."""
    return [
        {"user": item.get("user"), "name": item.get("name", ""), "eligible": bool(item.get("eligible")),
         "chosen": item.get("user") is not None and item.get("user") == assignment.user_id,
         "reason": (reason_text(item["code"], item.get("params")) if item.get("code")
                    else item.get("reason", ""))}
        for item in assignment.considered or []
    ]


def assignment_summary(assignment: Assignment) -> str:
    """One sentence saying what was decided."""
    return reason_text(assignment.reason, {
        "rule": assignment.rule.name if assignment.rule else "—",
        "actor": str(assignment.actor) if assignment.actor else "—",
    }) if assignment.reason in OUTCOMES else assignment.reason


LATEST_ASSIGNMENT_ATTR = "latest_assignments"


def assignments_latest_prefetch() -> Prefetch:
    """For a list of deals: each deal's latest assignment in one query, as ``deal.latest_assignments``."""
    latest = Assignment.objects.filter(deal_id=OuterRef("deal_id")).order_by("-id").values("pk")[:1]
    return Prefetch("assignments", queryset=Assignment.objects.filter(pk=Subquery(latest)).select_related(
        "rule", "actor"), to_attr=LATEST_ASSIGNMENT_ATTR)


def assignment_latest_of(deal: Deal) -> Assignment | None:
    """The prefetched latest assignment when the deal came from a list, else one query."""
    prefetched = getattr(deal, LATEST_ASSIGNMENT_ATTR, None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return assignment_latest(deal)
