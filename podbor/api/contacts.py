import datetime
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import AwareDatetime, Id, Input, Page, error_responses
from podbor.api.timeline import TimelineEntryOut, timeline_entry_out
from podbor.crm.models import Contact
from podbor.crm.selectors import contacts_search, contacts_visible_to, deals_visible_to, timeline_of_contact
from podbor.crm.services import contact_create, contact_update

router = Router(tags=["contacts"])

PhoneText = Annotated[str, Field(max_length=60)]
EmailText = Annotated[str, Field(max_length=254)]
TagText = Annotated[str, Field(max_length=60)]


class PhoneOut(Schema):
    raw: str
    e164: str
    valid: bool


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    middle_name: str
    full_name: str
    phones: list[PhoneOut]
    emails: list[str]
    city: str
    address: str
    gender: str = Field(description='"" (not specified), "f" or "m"')
    birth_date: datetime.date | None
    source: str
    consent_at: datetime.datetime | None
    company: int | None
    team: int | None
    tags: list[str]
    custom: dict[str, Any]
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ContactIn(Input):
    """A name as parts, or ``full_name`` ("Иванов Иван Иванович") which is split; a phone or an email also do."""

    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    middle_name: str = Field("", max_length=150)
    full_name: str = Field("", max_length=460)
    phones: list[PhoneText] = Field(default_factory=list, examples=[["8 (999) 123-45-67"]])
    emails: list[EmailText] = Field(default_factory=list)
    city: str = Field("", max_length=120)
    address: str = Field("", max_length=500)
    gender: str = Field("", max_length=1, description='"", "f" or "m"')
    birth_date: datetime.date | None = None
    source: str = Field("", max_length=120)
    consent_at: AwareDatetime | None = None
    company: Id | None = None
    tags: list[TagText] = Field(default_factory=list)
    custom: dict[str, Any] = Field(default_factory=dict)


class ContactPatch(Input):
    """Only the keys sent change. ``phones``, ``emails`` and ``tags`` replace the lists; ``custom`` merges."""

    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    middle_name: str | None = Field(None, max_length=150)
    full_name: str | None = Field(None, max_length=460)
    phones: list[PhoneText] | None = None
    emails: list[EmailText] | None = None
    city: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=500)
    gender: str | None = Field(None, max_length=1)
    birth_date: datetime.date | None = None
    source: str | None = Field(None, max_length=120)
    consent_at: AwareDatetime | None = None
    company: Id | None = None
    tags: list[TagText] | None = None
    custom: dict[str, Any] | None = None


class ContactFilters(PageParams):
    q: str = Field("", max_length=200, description="A phone in any format, an email or a part of the name.")


def contact_out(contact: Contact) -> dict:
    return {
        "id": contact.pk,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "middle_name": contact.middle_name,
        "full_name": contact.full_name,
        "phones": [{"raw": p.raw, "e164": p.e164, "valid": p.is_valid} for p in contact.phones.all()],
        "emails": [e.normalized for e in contact.emails.all()],
        "city": contact.city,
        "address": contact.address,
        "gender": contact.gender,
        "birth_date": contact.birth_date,
        "source": contact.source,
        "consent_at": contact.consent_at,
        "company": contact.company_id,
        "team": contact.team_id,
        "tags": [t.name for t in contact.tags.all()],
        "custom": contact.custom,
        "created_at": contact.created_at,
        "updated_at": contact.updated_at,
    }


def _contacts(request: HttpRequest):
    return contacts_visible_to(request.auth).prefetch_related("phones", "emails", "tags")


@router.get("/contacts", response={200: Page[ContactOut], **error_responses(400)}, summary="List or search contacts")
def contacts_list(request: HttpRequest, filters: Query[ContactFilters]):
    contacts = contacts_search(_contacts(request), filters.q).order_by("-id")
    return paginate(contacts, filters, contact_out)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **error_responses(404)})
def contacts_get(request: HttpRequest, contact_id: int):
    return contact_out(visible_or_404(_contacts(request), contact_id))


@router.post("/contacts", response={201: ContactOut, **error_responses(400)})
@transaction.atomic
def contacts_create(request: HttpRequest, payload: ContactIn):
    data = payload.model_dump()
    refs = Refs(request.auth)
    data["company"] = refs.company(data["company"])
    refs.check()
    contact = contact_create(actor=request.auth, **data)
    return Status(201, contact_out(contact))


_TEXT = ("first_name", "last_name", "middle_name", "full_name", "city", "address", "gender", "source")


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **error_responses(400, 404)})
@transaction.atomic
def contacts_update(request: HttpRequest, contact_id: int, payload: ContactPatch):
    contact = visible_or_404(contacts_visible_to(request.auth), contact_id)
    changes = payload.model_dump(exclude_unset=True)
    for field in _TEXT:
        if field in changes and changes[field] is None:
            changes[field] = ""
    for field in ("phones", "emails", "tags"):
        if field in changes and changes[field] is None:
            changes[field] = []
    if "company" in changes:
        refs = Refs(request.auth)
        changes["company"] = refs.company(changes["company"])
        refs.check()
    return contact_out(contact_update(contact=contact, actor=request.auth, **changes))


@router.get("/contacts/{contact_id}/timeline", response={200: Page[TimelineEntryOut], **error_responses(404)},
            summary="The contact's history, newest first, with the entries of their deals that you may see")
def contacts_timeline(request: HttpRequest, contact_id: int, page: Query[PageParams]):
    contact = visible_or_404(contacts_visible_to(request.auth), contact_id)
    entries = timeline_of_contact(contact, deals=deals_visible_to(request.auth)).order_by("-created_at", "-id")
    return paginate(entries, page, timeline_entry_out)
