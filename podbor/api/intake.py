"""Intake over HTTP: sources (admin), the delivery endpoint the outside world posts to, the event log, merge."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from podbor.api import delivery
from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import Refs, visible_or_404
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.crm.models import Pipeline, Stage
from podbor.crm.selectors import contacts_visible_to
from podbor.crm.services import contact_merge
from podbor.intake.models import InboundEvent, Source
from podbor.intake.services import (
    inbound_event_retry,
    source_create,
)
from podbor.lib.errors import PermissionRefused

router = Router(tags=["intake"])


def _require_admin(request: HttpRequest) -> None:
    if not request.auth.is_admin:
        raise PermissionRefused(_("Only an administrator may do this."))


def _require_lead_or_admin(request: HttpRequest) -> None:
    if not (request.auth.is_admin or request.auth.is_team_lead):
        raise PermissionRefused(_("Only a team lead or an administrator may see the intake log."))


class SourceIn(Input):
    name: str = Field(..., max_length=120)
    kind: str = Field(..., max_length=10, description=", ".join(Source.Kind.values))
    pipeline: Id
    stage: Id | None = None
    slug: str = Field("", max_length=60)
    relevance: dict[str, Any] = Field(default_factory=dict)


class SourceOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    pipeline: int
    stage: int | None
    relevance: dict[str, Any]
    is_active: bool
    url: str


class SourceCreatedOut(SourceOut):
    token: str = Field(description="Shown once: put it in the URL as ?token=… (for vendors that cannot sign).")
    hmac_secret: str = Field(description="Sign the raw body with HMAC-SHA256; send the hex in X-Podbor-Signature.")


def _source_out(source: Source) -> dict:
    return {
        "id": source.pk, "name": source.name, "slug": source.slug, "kind": source.kind,
        "pipeline": source.pipeline_id, "stage": source.stage_id, "relevance": source.relevance,
        "is_active": source.is_active, "url": f"/api/v1/intake/{source.slug}",
    }


@router.get("/sources", response={200: Page[SourceOut], **error_responses(403)})
def sources_list(request: HttpRequest, page: Query[PageParams]):
    _require_admin(request)
    return paginate(Source.objects.select_related("pipeline"), page, _source_out)


@router.post("/sources", response={201: SourceCreatedOut, **error_responses(400, 403)})
def sources_create(request: HttpRequest, payload: SourceIn):
    _require_admin(request)
    refs = Refs(request.auth)
    pipeline: Pipeline | None = refs.pipeline(payload.pipeline)
    stage: Stage | None = refs.stage(payload.stage)
    refs.check()
    source, token = source_create(name=payload.name, kind=payload.kind, pipeline=pipeline, stage=stage,
                                  relevance=payload.relevance, slug=payload.slug)
    return Status(201, {**_source_out(source), "token": token, "hmac_secret": source.hmac_secret})


class EventOut(Schema):
    id: int
    source: str
    status: str
    contact: int | None
    deal: int | None
    matched_by: str | None
    reason: str
    contact_created: bool
    deal_created: bool
    decision: dict[str, Any]
    external_id: str | None
    received_at: datetime.datetime
    processed_at: datetime.datetime | None
    attempts: int


def _event_out(event: InboundEvent) -> dict:
    return {
        "id": event.pk, "source": event.source.slug, "status": event.status, "contact": event.contact_id,
        "deal": event.deal_id, "matched_by": event.matched_by or None, "reason": event.reason,
        "contact_created": event.contact_created, "deal_created": event.deal_created, "decision": event.decision,
        "external_id": event.external_id, "received_at": event.received_at, "processed_at": event.processed_at,
        "attempts": event.attempts,
    }


class EventFilters(Schema):
    status: str | None = Field(None, description=", ".join(InboundEvent.Status.values))
    source: str | None = Field(None, max_length=60, description="A source's slug.")


@router.get("/intake/events", response={200: Page[EventOut], **error_responses(403)})
def events_list(request: HttpRequest, filters: Query[EventFilters], page: Query[PageParams]):
    _require_lead_or_admin(request)
    events = InboundEvent.objects.select_related("source")
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.source:
        events = events.filter(source__slug=filters.source)
    return paginate(events, page, _event_out)


@router.get("/intake/events/{event_id}", response={200: EventOut, **error_responses(403, 404)})
def events_get(request: HttpRequest, event_id: int):
    _require_lead_or_admin(request)
    return _event_out(get_object_or_404(InboundEvent.objects.select_related("source"), pk=event_id))


@router.post("/intake/events/{event_id}/retry", response={200: EventOut, **error_responses(400, 403, 404)})
def events_retry(request: HttpRequest, event_id: int):
    _require_lead_or_admin(request)
    event = get_object_or_404(InboundEvent, pk=event_id)
    return _event_out(inbound_event_retry(event=event))


# Registered after the event log's routes on purpose: "/intake/{slug}" registered first also catches
# "/intake/events" (Django tries URL patterns in order).
class DeliveryOut(Schema):
    event: int
    duplicate: bool = False


# This operation documents the delivery URL in the schema; ``podbor/urls.py`` routes the URL (POST, the browser's
# OPTIONS, the vendors' GET checks) to the plain view in ``api/delivery.py`` first, the hot path it answers through.
@router.post("/intake/{slug}", auth=None,
             response={200: DeliveryOut, 202: DeliveryOut, 400: Any, 401: Any, 404: Any},
             summary="Deliver one response, message or call from a source")
def intake_deliver(request: HttpRequest, slug: str, token: str | None = None):
    """Authenticated by the source's `?token=` or an HMAC-SHA256 of the raw body in `X-Podbor-Signature`.
    Answers 202 `{"event": id}` at once; a repeat delivery (same `Idempotency-Key`, or the same external id)
    answers 200 `{"event": first_id, "duplicate": true}` and creates nothing."""
    return delivery.intake_delivery(request, slug)


class MergeIn(Input):
    into: Id


class MergeOut(Schema):
    contact: int
    merged: int


@router.post("/contacts/{contact_id}/merge", response={200: MergeOut, **error_responses(400, 404)})
def contacts_merge(request: HttpRequest, contact_id: int, payload: MergeIn):
    """Merge this contact into `into`: deals, tasks, timeline, phones and emails move; both histories stay."""
    visible = contacts_visible_to(request.auth)
    contact = visible_or_404(visible, contact_id)
    refs = Refs(request.auth)
    into = refs.contact(payload.into, "into")
    refs.check()
    merged = contact_merge(contact=contact, into=into, actor=request.auth)
    return {"contact": merged.pk, "merged": contact.pk}
