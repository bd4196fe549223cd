"""What happens to a deal beyond editing its fields: moving, losing, linking, and its history."""

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router

from podbor.api.deals import DealOut, deal_out
from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.api.timeline import TimelineEntryOut, timeline_entry_out
from podbor.crm.selectors import deals_visible_to, timeline_of_deal
from podbor.crm.services import deal_close_lost, deal_link, deal_move_to_stage

router = Router(tags=["deals"])


class MoveIn(Input):
    stage: Id
    lost_reason: Id | None = Field(None, description="Required when the stage is a lost one.")


class LoseIn(Input):
    lost_reason: Id


class LinkIn(Input):
    parent: Id | None = Field(..., description="The parent deal's id, or null to unlink.")


@router.post("/deals/{deal_id}/move", response={200: DealOut, **error_responses(400, 404, 422)},
             summary="Move to a stage; 422 lists the fields the stage requires that the deal lacks")
@transaction.atomic
def deals_move(request: HttpRequest, deal_id: int, payload: MoveIn):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    refs = Refs(request.auth)
    stage = refs.stage(payload.stage)
    lost_reason = refs.lost_reason(payload.lost_reason)
    refs.check()
    deal = deal_move_to_stage(deal=deal, stage=stage, actor=request.auth, lost_reason=lost_reason)
    return deal_out(deal, request.auth)


@router.post("/deals/{deal_id}/lose", response={200: DealOut, **error_responses(400, 404)},
             summary="Close as lost on the pipeline's lost stage")
@transaction.atomic
def deals_lose(request: HttpRequest, deal_id: int, payload: LoseIn):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    refs = Refs(request.auth)
    reason = refs.lost_reason(payload.lost_reason)
    refs.check()
    return deal_out(deal_close_lost(deal=deal, reason=reason, actor=request.auth), request.auth)


@router.post("/deals/{deal_id}/link", response={200: DealOut, **error_responses(400, 404)},
             summary="Set or clear the parent deal")
@transaction.atomic
def deals_link(request: HttpRequest, deal_id: int, payload: LinkIn):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    refs = Refs(request.auth)
    parent = refs.deal(payload.parent, "parent")
    refs.check()
    return deal_out(deal_link(deal=deal, parent=parent, actor=request.auth), request.auth)


@router.get("/deals/{deal_id}/timeline", response={200: Page[TimelineEntryOut], **error_responses(400, 404)},
            summary="The deal's history, newest first")
def deals_timeline(request: HttpRequest, deal_id: int, page: Query[PageParams]):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    return paginate(timeline_of_deal(deal).order_by("-created_at", "-id"), page, timeline_entry_out)
