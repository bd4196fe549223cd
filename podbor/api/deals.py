import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from podbor.accounts.models import User
from podbor.api.filters import datetime_param, user_id_param
from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.routing import AssignmentOut, deal_assignment_out
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.crm.models import Deal
from podbor.crm.selectors import deals_search, deals_visible_to
from podbor.crm.services import deal_create, deal_update
from podbor.lib.errors import ValidationFailed
from podbor.routing.selectors import assignments_latest_prefetch

router = Router(tags=["deals"])

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class DealOut(Schema):
    id: int
    title: str
    pipeline: int
    stage: int
    is_open: bool
    contact: int | None
    company: int | None
    responsible: int | None
    team: int | None
    source: str
    budget_planned: Decimal | None
    budget_actual: Decimal | None
    parent: int | None
    children: list[int] = Field(description="Ids of the linked deals you may see.")
    custom: dict[str, Any]
    stage_entered_at: datetime.datetime
    closed_at: datetime.datetime | None
    lost_reason: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    assignment: AssignmentOut | None = Field(None, description="The latest distribution decision and why; null: none.")


class DealIn(Input):
    """Without ``stage`` the deal starts on the pipeline's first open stage; without ``title`` it takes the
    contact's name. A manager who names no one else is made responsible."""

    title: str = Field("", max_length=255)
    pipeline: Id
    stage: Id | None = None
    contact: Id | None = None
    company: Id | None = None
    responsible: Id | None = None
    source: str = Field("", max_length=120)
    budget_planned: Money | None = None
    budget_actual: Money | None = None
    parent: Id | None = None
    custom: dict[str, Any] = Field(default_factory=dict)


class DealPatch(Input):
    """Only the keys sent change; ``custom`` merges. The stage changes through /move, the parent through /link."""

    title: str | None = Field(None, max_length=255)
    contact: Id | None = None
    company: Id | None = None
    responsible: Id | None = None
    source: str | None = Field(None, max_length=120)
    budget_planned: Money | None = None
    budget_actual: Money | None = None
    custom: dict[str, Any] | None = None


class DealFilters(PageParams):
    pipeline: Id | None = None
    stage: Id | None = None
    contact: Id | None = None
    responsible: str | None = Field(None, max_length=20, description='A user id or "me".')
    updated_since: str | None = Field(None, max_length=40, description="ISO date and time, e.g. 2026-01-31T09:30:00Z")
    q: str = Field("", max_length=200, description="Words of the title or of the contact's name, a phone, an email.")
    open: bool | None = Field(None, description="true: open deals only; false: closed ones only.")


def deals_for(user: User) -> QuerySet[Deal]:
    """Visible deals, with the ids of their visible children fetched in one more query."""
    children = deals_visible_to(user).only("id", "parent_id").order_by("id")
    return deals_visible_to(user).prefetch_related(Prefetch("children", queryset=children, to_attr="visible_children"),
                                                   assignments_latest_prefetch())


def deal_out(deal: Deal, user: User) -> dict:
    children = getattr(deal, "visible_children", None)
    if children is None:
        children = deals_visible_to(user).filter(parent=deal).order_by("id")
    return {
        "id": deal.pk,
        "title": deal.title,
        "pipeline": deal.pipeline_id,
        "stage": deal.stage_id,
        "is_open": deal.is_open,
        "contact": deal.contact_id,
        "company": deal.company_id,
        "responsible": deal.responsible_id,
        "team": deal.team_id,
        "source": deal.source,
        "budget_planned": deal.budget_planned,
        "budget_actual": deal.budget_actual,
        "parent": deal.parent_id,
        "children": [child.pk for child in children],
        "custom": deal.custom,
        "stage_entered_at": deal.stage_entered_at,
        "closed_at": deal.closed_at,
        "lost_reason": deal.lost_reason_id,
        "created_at": deal.created_at,
        "updated_at": deal.updated_at,
        "assignment": deal_assignment_out(deal),
    }


@router.get("/deals", response={200: Page[DealOut], **error_responses(400)}, summary="Deals you may see, newest first")
def deals_list(request: HttpRequest, filters: Query[DealFilters]):
    user = request.auth
    errors: dict[str, list[str]] = {}
    responsible = user_id_param(filters.responsible, user=user, field="responsible", errors=errors)
    updated_since = datetime_param(filters.updated_since, field="updated_since", errors=errors)
    if errors:
        raise ValidationFailed(_("Some filters are not valid."), fields=errors)
    deals = deals_search(deals_for(user), filters.q)
    lookups = {"pipeline_id": filters.pipeline, "stage_id": filters.stage, "contact_id": filters.contact,
               "responsible_id": responsible, "updated_at__gte": updated_since}
    deals = deals.filter(**{k: v for k, v in lookups.items() if v is not None})
    if filters.open is not None:
        deals = deals.filter(closed_at__isnull=filters.open)
    return paginate(deals.order_by("-created_at", "-id"), filters, lambda deal: deal_out(deal, user))


@router.get("/deals/{deal_id}", response={200: DealOut, **error_responses(404)})
def deals_get(request: HttpRequest, deal_id: int):
    return deal_out(visible_or_404(deals_for(request.auth), deal_id), request.auth)


@router.post("/deals", response={201: DealOut, **error_responses(400)})
@transaction.atomic
def deals_create(request: HttpRequest, payload: DealIn):
    data = payload.model_dump()
    refs = Refs(request.auth)
    data["pipeline"] = refs.pipeline(data["pipeline"])
    data["stage"] = refs.stage(data["stage"])
    data["contact"] = refs.contact(data["contact"])
    data["company"] = refs.company(data["company"])
    data["responsible"] = refs.user_assignable(data["responsible"], "responsible")
    data["parent"] = refs.deal(data["parent"], "parent")
    refs.check()
    deal = deal_create(actor=request.auth, **data)
    return Status(201, deal_out(deal, request.auth))


@router.patch("/deals/{deal_id}", response={200: DealOut, **error_responses(400, 404)})
@transaction.atomic
def deals_update(request: HttpRequest, deal_id: int, payload: DealPatch):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    changes = payload.model_dump(exclude_unset=True)
    refs = Refs(request.auth)
    for field in ("contact", "company"):
        if field in changes:
            changes[field] = getattr(refs, field)(changes[field])
    if "responsible" in changes:
        changes["responsible"] = refs.user_assignable(changes["responsible"], "responsible")
    refs.check()
    if "source" in changes and changes["source"] is None:
        changes["source"] = ""
    return deal_out(deal_update(deal=deal, actor=request.auth, **changes), request.auth)
