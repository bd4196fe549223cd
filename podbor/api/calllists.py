"""Call lists: the manager's current list, the call card's outcome, and the filters that feed the lists."""

import datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import AwareDatetime, Id, Input, Page, error_responses
from podbor.lib.errors import PermissionRefused
from podbor.routing.calllists.building import REMEMBERED, call_list_ensure, call_list_rebuild, filters_for
from podbor.routing.calllists.filters import call_list_filter_delete, call_list_filter_save, call_list_filter_shares_set
from podbor.routing.calllists.outcomes import call_item_outcome
from podbor.routing.calllists.selectors import (
    call_counts_today,
    call_items_of,
    call_list_filters,
    call_list_items,
)
from podbor.routing.models import CallList, CallListFilter, CallListItem, LeadCallState

router = Router(tags=["call lists"])


class CallItemOut(Schema):
    id: int
    position: int
    state: str = Field(..., description="open, done or released")
    outcome: str = Field(..., description='Empty until the call is logged: no_answer, call_back, refused, interested')
    callback: bool = Field(..., description="Taken into the list because its callback was due")
    deal: int
    title: str
    stage: str
    contact: int | None
    contact_name: str
    phone: str = Field(..., description="The contact's first phone, or empty")
    attempts: int = Field(..., description="Unanswered calls in a row")
    callback_at: datetime.datetime | None


class CountsOut(Schema):
    total: int
    no_answer: int
    call_back: int
    refused: int
    interested: int


class ChosenFilterOut(Schema):
    id: int
    name: str


class CallListOut(Schema):
    id: int
    built_at: datetime.datetime
    why: str
    size: int
    chosen_filter: ChosenFilterOut | None = Field(
        ..., description="The filter you chose, used by every new list until you choose another; null: all your "
                         "filters by their shares")
    items: list[CallItemOut]
    today: CountsOut = Field(..., description="Calls you logged today, by outcome")


class RebuildIn(Input):
    filter: Id | None = Field(None, description="Choose a filter: this list and every later one take its leads "
                                                "only (callbacks still first); null: all your filters by share; "
                                                "left out: the filter you chose before.")


class OutcomeFieldsIn(Input):
    phones: list[str] | None = Field(None, description="Replace the contact's phones (the old ones stay in the "
                                                       "timeline).")
    emails: list[str] | None = None
    city: str | None = Field(None, max_length=120)
    last_name: str | None = Field(None, max_length=150)
    first_name: str | None = Field(None, max_length=150)
    middle_name: str | None = Field(None, max_length=150)
    title: str | None = Field(None, max_length=255, description="The deal's title")
    custom: dict[str, Any] | None = Field(None, description="The deal's custom fields (merged)")


class OutcomeIn(Input):
    outcome: str = Field(..., max_length=20, description="no_answer, call_back, refused or interested")
    callback_at: AwareDatetime | None = Field(None, description="Required for call_back")
    pin: bool = Field(False, description="call_back: only you get this callback for 30 minutes after its time")
    lost_reason: Id | None = Field(None, description="Required for refused")
    fields: OutcomeFieldsIn | None = Field(None, description="Corrections made during the call")
    deal: Id | None = Field(None, description="The deal the card shows; a mismatch is refused (409)")
    direction: str = Field("outgoing", max_length=20, description="Only outgoing calls are logged here")


class OutcomeOut(Schema):
    done: CallItemOut
    next: CallItemOut | None = Field(..., description="The next lead to call, or null when there is none")
    new_list: bool = Field(..., description="The list was finished and a new one was built")


class FilterOut(Schema):
    id: int
    name: str
    pipeline: int
    stages: list[int]
    sources: list[str]
    tags: list[str]
    fields: dict[str, Any]
    weight: int = Field(..., description="Share of every list, %; the active filters add up to 100")
    required_skills: list[str]
    is_active: bool
    order: int


class FilterIn(Input):
    name: str = Field(..., max_length=120)
    pipeline: Id
    stages: list[Id] = Field(default_factory=list, description="Open stages; empty: every open stage")
    sources: list[str] = Field(default_factory=list, description="Deal sources; empty: any")
    tags: list[str] = Field(default_factory=list, description="Contact tags (any of them); empty: any")
    fields: dict[str, Any] = Field(default_factory=dict, description='Deal custom fields that must equal: '
                                                                     '{"shift": "night"}')
    weight: int = Field(100, description="Share of every list, %")
    required_skills: list[str] = Field(default_factory=list, description="Skill codes a manager needs")
    is_active: bool = True
    order: int = 0
    allow_empty: bool = Field(False, description="Save even though no open lead matches now (else 400)")


class FilterPatch(Input):
    name: str | None = Field(None, max_length=120)
    pipeline: Id | None = None
    stages: list[Id] | None = None
    sources: list[str] | None = None
    tags: list[str] | None = None
    fields: dict[str, Any] | None = None
    weight: int | None = None
    required_skills: list[str] | None = None
    is_active: bool | None = None
    order: int | None = None
    allow_empty: bool = False


class ShareIn(Input):
    filter: Id
    weight: int
    is_active: bool = True


class SharesIn(Input):
    shares: list[ShareIn]


def call_item_out(item: CallListItem) -> dict:
    deal = item.deal
    contact = deal.contact
    try:
        state = deal.call_state
    except LeadCallState.DoesNotExist:
        state = None
    phones = list(contact.phones.all()) if contact is not None else []
    return {
        "id": item.pk,
        "position": item.position,
        "state": item.state,
        "outcome": item.outcome,
        "callback": item.is_callback,
        "deal": deal.pk,
        "title": deal.title,
        "stage": deal.stage.name,
        "contact": contact.pk if contact is not None else None,
        "contact_name": contact.full_name if contact is not None else "",
        "phone": (phones[0].e164 or phones[0].raw) if phones else "",
        "attempts": state.attempts if state is not None else 0,
        "callback_at": state.callback_at if state is not None else None,
    }


def call_list_out(call_list: CallList) -> dict:
    return {
        "id": call_list.pk,
        "built_at": call_list.built_at,
        "why": call_list.why,
        "size": call_list.size,
        "chosen_filter": (
            {"id": call_list.chosen_filter.pk, "name": call_list.chosen_filter.name}
            if call_list.chosen_filter is not None else None
        ),
        "items": [call_item_out(i) for i in call_list_items(call_list)],
        "today": call_counts_today(call_list.user),
    }


def _one_item(item: CallListItem | None) -> dict | None:
    if item is None:
        return None
    return call_item_out(call_list_items(item.call_list).get(pk=item.pk))


@router.get("/me/call-list", response={200: CallListOut, **error_responses()},
            summary="Your current call list (a new one is built when there is none, or it is finished)")
def my_call_list(request: HttpRequest):
    return call_list_out(call_list_ensure(user=request.auth))


@router.post("/me/call-list/rebuild", response={200: CallListOut, **error_responses(400)},
             summary="A new call list now: your unfinished leads go back for others to take")
def my_call_list_rebuild(request: HttpRequest, payload: RebuildIn | None = None):
    chosen = REMEMBERED
    if payload is not None and "filter" in payload.model_fields_set:
        chosen = None
        if payload.filter is not None:
            chosen = next((f for f in filters_for(request.auth) if f.pk == payload.filter), None)
            if chosen is None:
                refs = Refs(request.auth)
                refs.errors["filter"] = [_("No such active filter, or it needs a skill you do not have.")]
                refs.check()
    return call_list_out(call_list_rebuild(user=request.auth, only_filter=chosen))


@router.post("/call-list/items/{item_id}/outcome", response={200: OutcomeOut, **error_responses(400, 404, 409, 422)},
             summary="Log the call's outcome; answers the next lead to call")
@transaction.atomic
def call_item_outcome_log(request: HttpRequest, item_id: int, payload: OutcomeIn):
    item = visible_or_404(call_items_of(request.auth), item_id)
    refs = Refs(request.auth)
    lost_reason = refs.lost_reason(payload.lost_reason)
    refs.check()
    fields = payload.fields.model_dump(exclude_unset=True) if payload.fields is not None else None
    result = call_item_outcome(
        item=item, actor=request.auth, outcome=payload.outcome, callback_at=payload.callback_at, pin=payload.pin,
        lost_reason=lost_reason, fields=fields, deal_id=payload.deal, direction=payload.direction,
    )
    return {"done": _one_item(result.item), "next": _one_item(result.next_item), "new_list": result.new_list}


# --- filters, for administrators ------------------------------------------------------------------------------------

def _require_admin(request: HttpRequest) -> None:
    if not request.auth.is_admin:
        raise PermissionRefused(_("Only administrators manage call-list filters."))


def filter_out(call_filter: CallListFilter) -> dict:
    return {
        "id": call_filter.pk,
        "name": call_filter.name,
        "pipeline": call_filter.pipeline_id,
        "stages": sorted(s.pk for s in call_filter.stages.all()),
        "sources": call_filter.sources,
        "tags": call_filter.tags,
        "fields": call_filter.fields,
        "weight": call_filter.weight,
        "required_skills": sorted(s.code for s in call_filter.required_skills.all()),
        "is_active": call_filter.is_active,
        "order": call_filter.order,
    }


def _filters_page() -> dict:
    filters = [filter_out(f) for f in call_list_filters()]
    return {"items": filters, "count": len(filters)}


@router.get("/call-list/filters", response={200: Page[FilterOut], **error_responses(403)},
            summary="Call-list filters with their shares")
def filters_list(request: HttpRequest):
    _require_admin(request)
    return _filters_page()


@router.put("/call-list/filters/shares", response={200: Page[FilterOut], **error_responses(400, 403)},
            summary="Set several filters' shares and active flags at once (the active ones add up to 100 %)")
def filters_shares_set(request: HttpRequest, payload: SharesIn):
    _require_admin(request)
    call_list_filter_shares_set(actor=request.auth,
                                shares={s.filter: (s.weight, s.is_active) for s in payload.shares})
    return _filters_page()


@router.post("/call-list/filters", response={201: FilterOut, **error_responses(400, 403)},
             summary="Create a filter; one that matches no open lead is refused unless allow_empty")
@transaction.atomic
def filters_create(request: HttpRequest, payload: FilterIn):
    _require_admin(request)
    refs = Refs(request.auth)
    pipeline = refs.pipeline(payload.pipeline)
    refs.check()
    values = payload.model_dump(exclude={"allow_empty"}) | {"pipeline": pipeline}
    call_filter = call_list_filter_save(actor=request.auth, allow_empty=payload.allow_empty, **values)
    return Status(201, filter_out(call_list_filters().get(pk=call_filter.pk)))


@router.get("/call-list/filters/{filter_id}", response={200: FilterOut, **error_responses(403, 404)})
def filters_get(request: HttpRequest, filter_id: int):
    _require_admin(request)
    return filter_out(visible_or_404(call_list_filters(), filter_id))


@router.patch("/call-list/filters/{filter_id}", response={200: FilterOut, **error_responses(400, 403, 404)})
@transaction.atomic
def filters_update(request: HttpRequest, filter_id: int, payload: FilterPatch):
    _require_admin(request)
    call_filter = visible_or_404(call_list_filters(), filter_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"allow_empty"})
    if "pipeline" in changes:
        refs = Refs(request.auth)
        changes["pipeline"] = refs.pipeline(changes["pipeline"])
        refs.check()
    call_list_filter_save(actor=request.auth, call_filter=call_filter, allow_empty=payload.allow_empty, **changes)
    return filter_out(call_list_filters().get(pk=call_filter.pk))


@router.delete("/call-list/filters/{filter_id}", response={204: None, **error_responses(400, 403, 404)})
def filters_delete(request: HttpRequest, filter_id: int):
    _require_admin(request)
    call_list_filter_delete(actor=request.auth, call_filter=visible_or_404(call_list_filters(), filter_id))
    return HttpResponse(status=204)
