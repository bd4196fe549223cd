from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Status

from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.api.timeline import TimelineEntryOut, timeline_entry_out
from podbor.crm.models import TimelineEntry
from podbor.crm.selectors import deals_visible_to, timeline_of_deal
from podbor.crm.services import note_add

router = Router(tags=["notes"])


class NoteIn(Input):
    """A note on a deal, on a contact, or on both."""

    deal: Id | None = None
    contact: Id | None = None
    text: str = Field(..., max_length=20000)


@router.post("/notes", response={201: TimelineEntryOut, **error_responses(400)})
@transaction.atomic
def notes_create(request: HttpRequest, payload: NoteIn):
    refs = Refs(request.auth)
    deal = refs.deal(payload.deal)
    contact = refs.contact(payload.contact)
    refs.check()
    entry = note_add(actor=request.auth, text=payload.text, deal=deal, contact=contact)
    return Status(201, timeline_entry_out(entry))


@router.get("/deals/{deal_id}/notes", response={200: Page[TimelineEntryOut], **error_responses(400, 404)},
            summary="The deal's notes, newest first")
def deals_notes(request: HttpRequest, deal_id: int, page: Query[PageParams]):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    notes = timeline_of_deal(deal).filter(kind=TimelineEntry.Kind.NOTE).order_by("-created_at", "-id")
    return paginate(notes, page, timeline_entry_out)
