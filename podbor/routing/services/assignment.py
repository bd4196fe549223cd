"""Handing a deal to a manager: by the first matching rule, or by hand. Every decision is an Assignment row that
says why; a deal nobody eligible can take waits in the unassigned queue."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Deal, TimelineEntry
from podbor.crm.selectors import users_assignable_by
from podbor.crm.services import deal_update, timeline_add
from podbor.lib.errors import PermissionRefused, ValidationFailed
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal, RuleMember
from podbor.routing.selectors import reason_text, rule_for_deal
from podbor.routing.services.eligibility import Candidate, candidates_for, considered_rows
from podbor.routing.services.strategies import PICKERS

MANUAL = "manual"


def _returning(rule: DistributionRule, deal: Deal, eligible: list[Candidate]) -> tuple[Candidate, Deal] | None:
    """The manager of the contact's most recent earlier deal, if that manager is eligible now."""
    if not rule.returning_candidate or deal.contact_id is None or not eligible:
        return None
    by_user = {c.user_id: c for c in eligible}
    earlier = (Deal.objects.filter(contact_id=deal.contact_id, responsible__isnull=False).exclude(pk=deal.pk)
               .order_by("-created_at", "-id").only("pk", "title", "responsible_id")[:20])
    for previous in earlier:
        if previous.responsible_id in by_user:
            return by_user[previous.responsible_id], previous
    return None


def _chosen_reason(rule: DistributionRule, chosen: Candidate, previous: Deal | None) -> None:
    if previous is not None:
        chosen.skip("chosen_returning", deal=previous.title[:80], deal_id=previous.pk)
    elif rule.strategy == DistributionRule.Strategy.WEIGHTED and chosen.weight > 0:
        chosen.skip("chosen_weighted", weight=chosen.weight)
    elif rule.strategy == DistributionRule.Strategy.LEAST_LOADED:
        chosen.skip("chosen_least_loaded", count=chosen.untouched or 0)
    else:
        chosen.skip("chosen_round_robin")


def _considered(candidates: list[Candidate]) -> list[dict]:
    return considered_rows(candidates)


@transaction.atomic
def deal_assign(*, deal: Deal, actor: User | None = None) -> Assignment:
    """Run the distribution rules for the deal: the chosen manager becomes responsible, or the deal is queued.

    The rule's row is locked while choosing, so that two workers never hand out by the same stale state."""
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.closed_at is not None:
        QueuedDeal.objects.filter(deal=deal).delete()
        raise ValidationFailed(_("A closed deal is not assigned."), fields={"deal": [_("The deal is closed.")]})
    rule = rule_for_deal(deal)
    if rule is None:
        QueuedDeal.objects.filter(deal=deal).delete()
        return Assignment.objects.create(deal=deal, actor=actor, reason="no_rule")
    rule = DistributionRule.objects.select_for_update(of=("self",)).select_related("team").get(pk=rule.pk)
    candidates = candidates_for(rule, deal, for_least_loaded=rule.strategy == DistributionRule.Strategy.LEAST_LOADED)
    eligible = [c for c in candidates if c.eligible]
    if not eligible:
        return _queue(deal=deal, rule=rule, candidates=candidates, actor=actor)

    returning = _returning(rule, deal, eligible)
    now = timezone.now()
    if returning is not None:
        chosen, previous = returning
        changed: list[RuleMember] = []
    else:
        previous = None
        chosen, changed = PICKERS[rule.strategy](eligible)
    if changed:
        RuleMember.objects.bulk_update(changed, ["current_weight"])
    RuleMember.objects.filter(pk=chosen.member_id).update(assigned_count=F("assigned_count") + 1, last_assigned_at=now)
    _chosen_reason(rule, chosen, previous)

    user = User.objects.get(pk=chosen.user_id)
    deal = deal_update(deal=deal, actor=None, responsible=user)
    QueuedDeal.objects.filter(deal=deal).delete()
    assignment = Assignment.objects.create(
        deal=deal, rule=rule, strategy=rule.strategy, user=user, actor=actor, reason="assigned",
        considered=_considered(candidates),
    )
    skipped = [f"{c.name}: {reason_text(c.code, c.params)}" for c in candidates if not c.eligible]
    text = _("Assigned to %(user)s by the rule “%(rule)s”: %(why)s.") % {
        "user": user, "rule": rule.name, "why": reason_text(chosen.code, chosen.params)}
    if skipped:
        text += " " + _("Skipped: %(list)s.") % {"list": "; ".join(skipped)}
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, text=text, data={"assignment": assignment.pk})
    return assignment


def _queue(*, deal: Deal, rule: DistributionRule, candidates: list[Candidate], actor: User | None) -> Assignment:
    considered = _considered(candidates)
    summary = "; ".join(f"{row['name']}: {row['reason']}" for row in considered)[:255] or "no managers"
    queued, created = QueuedDeal.objects.get_or_create(
        deal=deal, defaults={"rule": rule, "queued_at": timezone.now(), "reason": summary})
    if not created:
        # Still waiting: keep its place in the queue, and write a new decision only when the reasons changed,
        # so that the sweeper retrying every minute does not pile up identical rows.
        QueuedDeal.objects.filter(pk=queued.pk).update(rule=rule, reason=summary)
        latest = Assignment.objects.filter(deal=deal).order_by("-id").first()
        if latest is not None and latest.user_id is None and latest.rule_id == rule.pk and _codes(
                latest.considered) == _codes(considered):
            return latest
    assignment = Assignment.objects.create(deal=deal, rule=rule, strategy=rule.strategy, user=None, actor=actor,
                                           reason="queued", considered=considered)
    if created:
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, data={"assignment": assignment.pk},
                     text=_("Nobody eligible under the rule “%(rule)s”: the deal waits in the unassigned queue.")
                     % {"rule": rule.name})
    return assignment


def _codes(considered: list[dict]) -> list[tuple]:
    return [(row.get("user"), row.get("code"), sorted((row.get("params") or {}).items())) for row in considered]


@transaction.atomic
def deal_reassign(*, deal: Deal, user: User, actor: User) -> Assignment:
    """A team lead or an admin hands the deal to a manager by hand."""
    if not (actor.is_admin or actor.is_team_lead):
        raise PermissionRefused(_("Only team leads and administrators assign deals by hand."))
    if not users_assignable_by(actor).filter(pk=user.pk).exists():
        raise ValidationFailed(_("You cannot make this user responsible."),
                               fields={"user": [_("You cannot make this user responsible.")]})
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.closed_at is not None:
        raise ValidationFailed(_("A closed deal is not assigned."), fields={"deal": [_("The deal is closed.")]})
    deal = deal_update(deal=deal, actor=actor, responsible=user)
    QueuedDeal.objects.filter(deal=deal).delete()
    assignment = Assignment.objects.create(deal=deal, strategy=MANUAL, user=user, actor=actor, reason="manual")
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, data={"assignment": assignment.pk},
                 text=_("Assigned by hand to %(user)s by %(actor)s.") % {"user": user, "actor": actor})
    return assignment
