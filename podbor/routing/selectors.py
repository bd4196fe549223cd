"""Reads for distribution: which rule applies, how loaded managers are, the unassigned queue, and the
explanation of an assignment in the reader's language."""

from collections.abc import Iterable

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.crm.selectors import deals_visible_to
from podbor.lib import lookups  # noqa: F401 - registers __any_of
from podbor.routing.models import Assignment, DistributionRule, ManagerLoad, QueuedDeal

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


def untouched_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Open deals not yet touched per manager, from the counters the database keeps (``ManagerLoad``)."""
    ids = [int(pk) for pk in user_ids]
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(ManagerLoad.objects.filter(user__id__any_of=ids).values_list("user_id", "open_untouched"))
    return counts


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
