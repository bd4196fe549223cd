"""Distribution rules (administrators), the unassigned queue (team leads and administrators), and assigning a deal:
by the rules again, or by hand to a named manager."""

import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from podbor.accounts.models import Team, User
from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.crm.selectors import deals_visible_to
from podbor.lib.errors import PermissionRefused
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal
from podbor.routing.selectors import (
    assignment_latest,
    assignment_latest_of,
    assignment_summary,
    considered_explained,
    queue_visible_to,
)
from podbor.routing.selectors import rules_list as rules_selector
from podbor.routing.services import MemberSpec, deal_assign, deal_reassign, rule_create, rule_delete, rule_update

router = Router(tags=["routing"])


class ConsideredOut(Schema):
    user: int | None
    name: str
    eligible: bool
    reason: str = Field(description="Why the manager was skipped or chosen, in the request's language.")


class AssignmentOut(Schema):
    id: int
    deal: int
    user: int | None = Field(description="Who got the deal; null: nobody (queued, or no rule matched).")
    rule: int | None
    rule_name: str
    strategy: str = Field(description="round_robin, weighted, least_loaded, manual; empty when no rule matched.")
    outcome: str = Field(description="assigned, queued, no_rule or manual.")
    summary: str
    actor: int | None
    created_at: datetime.datetime
    considered: list[ConsideredOut]


def assignment_out(assignment: Assignment | None) -> dict | None:
    if assignment is None:
        return None
    return {
        "id": assignment.pk,
        "deal": assignment.deal_id,
        "user": assignment.user_id,
        "rule": assignment.rule_id,
        "rule_name": assignment.rule.name if assignment.rule else "",
        "strategy": assignment.strategy,
        "outcome": assignment.reason,
        "summary": assignment_summary(assignment),
        "actor": assignment.actor_id,
        "created_at": assignment.created_at,
        "considered": [{k: row[k] for k in ("user", "name", "eligible", "reason")}
                       for row in considered_explained(assignment)],
    }


class MemberIO(Schema):
    user: Id
    weight: int = Field(0, ge=0, le=100, description="Share in percent (weighted strategy).")


class MemberOut(MemberIO):
    name: str
    assigned_count: int
    last_assigned_at: datetime.datetime | None


class RuleIn(Input):
    name: str = Field(..., max_length=120)
    pipeline: Id
    source: str = Field("", max_length=120, description="A deal source as written on the deal; empty: any.")
    strategy: str = Field(DistributionRule.Strategy.ROUND_ROBIN, description="round_robin, weighted, least_loaded")
    members: list[MemberIO]
    team: Id | None = None
    required_skills: list[str] = Field(default_factory=list, description="Skill codes every chosen manager has.")
    skill_field: str = Field("", max_length=60, description="A deal field whose value is a required skill code.")
    only_present: bool = True
    max_open_untouched: int | None = Field(None, ge=0, le=100_000)
    returning_candidate: bool = True
    priority: int = Field(100, ge=0, le=1_000_000)
    is_active: bool = True


class RuleOut(Schema):
    id: int
    name: str
    pipeline: int
    source: str
    strategy: str
    team: int | None
    required_skills: list[str]
    skill_field: str
    only_present: bool
    max_open_untouched: int | None
    returning_candidate: bool
    priority: int
    is_active: bool
    members: list[MemberOut]


class QueuedOut(Schema):
    deal: int
    title: str
    pipeline: int
    source: str
    queued_at: datetime.datetime
    rule: int | None
    considered: list[ConsideredOut]


class AssignIn(Input):
    user: Id | None = Field(None, description="Hand the deal to this manager; without it the rules run again.")


def _admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionRefused(_("Only administrators configure distribution rules."))


def rule_out(rule: DistributionRule) -> dict:
    return {
        "id": rule.pk, "name": rule.name, "pipeline": rule.pipeline_id, "source": rule.source,
        "strategy": rule.strategy, "team": rule.team_id,
        "required_skills": sorted(s.code for s in rule.required_skills.all()), "skill_field": rule.skill_field,
        "only_present": rule.only_present, "max_open_untouched": rule.max_open_untouched,
        "returning_candidate": rule.returning_candidate, "priority": rule.priority, "is_active": rule.is_active,
        "members": [{"user": m.user_id, "name": str(m.user), "weight": m.weight, "assigned_count": m.assigned_count,
                     "last_assigned_at": m.last_assigned_at} for m in rule.members.all()],
    }


def _rule_args(request: HttpRequest, payload: RuleIn) -> dict:
    refs = Refs(request.auth)
    pipeline = refs.pipeline(payload.pipeline)
    team = None
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            refs.errors["team"] = [_("No such team.")]
    members = []
    for i, member in enumerate(payload.members):
        user = User.objects.filter(pk=member.user, is_active=True).first()
        if user is None:
            refs.errors[f"members.{i}.user"] = [_("No such user.")]
        else:
            members.append(MemberSpec(user=user, weight=member.weight))
    refs.check()
    data = payload.model_dump(exclude={"pipeline", "team", "members"})
    return {**data, "pipeline": pipeline, "team": team, "members": members}


@router.get("/routing/rules", response={200: Page[RuleOut], **error_responses(403)},
            summary="Distribution rules, by pipeline and priority (administrators)")
def rules_list(request: HttpRequest, page: Query[PageParams]):
    _admin(request.auth)
    return paginate(rules_selector(), page, rule_out)


@router.post("/routing/rules", response={201: RuleOut, **error_responses(400, 403)},
             summary="Create a rule; weights of a weighted rule sum to 100")
@transaction.atomic
def rules_create(request: HttpRequest, payload: RuleIn):
    _admin(request.auth)
    rule = rule_create(actor=request.auth, **_rule_args(request, payload))
    return Status(201, rule_out(rules_selector().get(pk=rule.pk)))


@router.get("/routing/rules/{rule_id}", response={200: RuleOut, **error_responses(403, 404)})
def rules_get(request: HttpRequest, rule_id: int):
    _admin(request.auth)
    return rule_out(visible_or_404(rules_selector(), rule_id))


@router.put("/routing/rules/{rule_id}", response={200: RuleOut, **error_responses(400, 403, 404)},
            summary="Replace a rule's settings and members (members who stay keep their turn)")
@transaction.atomic
def rules_update(request: HttpRequest, rule_id: int, payload: RuleIn):
    _admin(request.auth)
    rule = visible_or_404(DistributionRule.objects.all(), rule_id)
    rule = rule_update(actor=request.auth, rule=rule, **_rule_args(request, payload))
    return rule_out(rules_selector().get(pk=rule.pk))


@router.delete("/routing/rules/{rule_id}", response={204: None, **error_responses(403, 404)})
def rules_delete(request: HttpRequest, rule_id: int):
    _admin(request.auth)
    rule_delete(actor=request.auth, rule=visible_or_404(DistributionRule.objects.all(), rule_id))
    return Status(204, None)


def _queued_out(queued: QueuedDeal, latest: dict[int, Assignment]) -> dict:
    assignment = latest.get(queued.deal_id)
    considered = considered_explained(assignment) if assignment else []
    return {"deal": queued.deal_id, "title": queued.deal.title, "pipeline": queued.deal.pipeline_id,
            "source": queued.deal.source, "queued_at": queued.queued_at, "rule": queued.rule_id,
            "considered": [{k: row[k] for k in ("user", "name", "eligible", "reason")} for row in considered]}


@router.get("/routing/queue", response={200: Page[QueuedOut], **error_responses(403)},
            summary="Deals waiting for a manager, oldest first, with why (team leads and administrators)")
def queue_list(request: HttpRequest, page: Query[PageParams]):
    user = request.auth
    if not (user.is_admin or user.is_team_lead):
        raise PermissionRefused(_("Only team leads and administrators see the unassigned queue."))
    queued = queue_visible_to(user)
    result = paginate(queued, page)
    rows = result["items"]
    latest: dict[int, Assignment] = {}
    for assignment in Assignment.objects.filter(deal_id__in=[q.deal_id for q in rows]).order_by("id"):
        latest[assignment.deal_id] = assignment
    result["items"] = [_queued_out(q, latest) for q in rows]
    return result


@router.post("/deals/{deal_id}/assign", response={200: AssignmentOut, **error_responses(400, 403, 404)},
             summary="Run the distribution rules for the deal again, or hand it to {\"user\": id} by hand")
@transaction.atomic
def deals_assign(request: HttpRequest, deal_id: int, payload: AssignIn):
    user = request.auth
    deal = visible_or_404(deals_visible_to(user), deal_id)
    if not (user.is_admin or user.is_team_lead):
        raise PermissionRefused(_("Only team leads and administrators assign deals."))
    if payload.user is not None:
        refs = Refs(user)
        target = refs.user_assignable(payload.user, "user")
        refs.check()
        deal_reassign(deal=deal, user=target, actor=user)
    else:
        deal_assign(deal=deal, actor=user)
    return assignment_out(assignment_latest(deal))


def deal_assignment_out(deal) -> dict | None:
    """The deal's latest assignment for the deal schema (prefetched by lists, one query otherwise)."""
    return assignment_out(assignment_latest_of(deal))
