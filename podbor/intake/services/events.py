"""Deliveries: store every one first, then turn it into the right contact and deal exactly once."""

import json
import logging
from contextlib import nullcontext
from urllib.parse import parse_qs

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.crm.models import Contact, ContactEmail, ContactPhone, Deal, LostReason, TimelineEntry
from podbor.crm.services import (
    contact_create,
    contact_enrich,
    deal_close_lost,
    deal_create,
    possible_duplicates_find,
    timeline_add,
)
from podbor.events.services import event_record
from podbor.intake.models import InboundEvent, Source
from podbor.intake.sources import Lead, NothingToDo, PayloadError, parser_for
from podbor.lib.debounce import Debounced
from podbor.lib.errors import ValidationFailed
from podbor.lib.locks import lock_names
from podbor.lib.names import email_is_valid, email_normalize, name_fold
from podbor.lib.phones import Phone, phone_normalize
from podbor.messaging.services import message_queue

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


# --- receiving -----------------------------------------------------------------------------------------------------

def payload_decode(*, body: bytes, content_type: str) -> dict:
    """JSON, or a form-encoded body (site forms). Raises ValidationFailed with the parse error."""
    if "application/x-www-form-urlencoded" in content_type:
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise ValidationFailed(_("The body is not UTF-8: %s") % exc, fields={"body": [str(exc)]}) from None
        return {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
    try:
        payload = json.loads(body.decode("utf-8") if body else "")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationFailed(_("Malformed JSON: %s") % exc, fields={"body": [str(exc)]}) from None
    if not isinstance(payload, dict):
        raise ValidationFailed(_("Expected a JSON object."), fields={"body": [_("Expected a JSON object.")]})
    return payload


_KEPT_HEADERS = {"content-type", "user-agent", "idempotency-key", "x-request-id", "x-podbor-signature"}


def inbound_event_receive(
    *, source: Source, body: bytes, content_type: str, headers: dict[str, str], idempotency_key: str | None
) -> tuple[InboundEvent, bool]:
    """Store the raw delivery; its processing is queued once it is committed.

    Returns ``(event, created)``; a repeat (same idempotency key or same external id) returns the first event.
    The unique constraints decide what is a repeat, so a first delivery costs one INSERT and no lookup.
    """
    payload = payload_decode(body=body, content_type=content_type)
    try:
        external_id = parser_for(source.kind).external_id(payload)
    except (PayloadError, AttributeError, TypeError):
        external_id = None  # the worker will say what is wrong with it
    idempotency_key = (idempotency_key or "").strip()[:200] or None
    event = InboundEvent(
        source=source,
        external_id=external_id[:200] if external_id else None,
        idempotency_key=idempotency_key,
        headers={k: v for k, v in headers.items() if k.lower() in _KEPT_HEADERS},
        content_type=content_type[:100],
        body=body.decode("utf-8", errors="replace"),
    )
    try:
        # Outside a transaction the INSERT commits by itself (one statement, not BEGIN/INSERT/COMMIT); inside one,
        # a savepoint keeps a repeat's IntegrityError from breaking the caller's transaction.
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            event.save(force_insert=True)
            transaction.on_commit(drain_soon)
    except IntegrityError:
        # A repeat delivery, or a concurrent delivery of the same event that won the race.
        existing = _first_delivery(source, external_id, idempotency_key)
        if existing is None:
            raise
        return existing, False
    return event, True


def _first_delivery(source: Source, external_id: str | None, idempotency_key: str | None) -> InboundEvent | None:
    if idempotency_key:
        found = InboundEvent.objects.filter(source=source, idempotency_key=idempotency_key).first()
        if found:
            return found
    if external_id:
        return InboundEvent.objects.filter(source=source, external_id=external_id[:200]).first()
    return None


def _enqueue_drain() -> None:
    from podbor.intake.tasks import intake_drain  # the task module imports this one

    try:
        intake_drain.enqueue()
    except Exception:  # the queue being down must not lose the event: the sweeper picks it up
        logger.warning("could not enqueue the intake drain; the sweeper will process the events", exc_info=True)


# At most one drain job per 50 ms from this process, and always one after the last delivery.
drain_soon = Debounced(_enqueue_drain, interval=0.05)


# --- processing ----------------------------------------------------------------------------------------------------

def inbound_event_process(*, event_id: int) -> InboundEvent:
    """Turn a stored event into contacts and deals. Safe to run twice: a finished event is left alone."""
    try:
        with transaction.atomic():
            event = InboundEvent.objects.select_for_update().select_related("source", "source__pipeline").get(
                pk=event_id
            )
            if event.status != InboundEvent.Status.RECEIVED:
                return event
            _process(event)
            event.processed_at = timezone.now()
            event.attempts += 1
            event.save()
            return event
    except Exception as exc:
        logger.exception("intake event %s failed", event_id)
        event = InboundEvent.objects.get(pk=event_id)
        event.attempts += 1
        if event.attempts >= MAX_ATTEMPTS:
            event.status = InboundEvent.Status.FAILED
            event.reason = _("Processing failed after %(n)s attempts: %(error)s") % {"n": event.attempts,
                                                                                       "error": exc}
        event.save(update_fields=["attempts", "status", "reason"])
        raise


def inbound_event_retry(*, event: InboundEvent) -> InboundEvent:
    """Process a failed event again, after its cause was fixed."""
    if event.status != InboundEvent.Status.FAILED:
        raise ValidationFailed(_("Only a failed event can be processed again."), fields={"status": [event.status]})
    InboundEvent.objects.filter(pk=event.pk, status=InboundEvent.Status.FAILED).update(
        status=InboundEvent.Status.RECEIVED, reason="", attempts=0
    )
    return inbound_event_process(event_id=event.pk)


def _fail(event: InboundEvent, reason: str) -> None:
    event.status = InboundEvent.Status.FAILED
    event.reason = reason


def _read_lead(event: InboundEvent) -> tuple[Lead, list[Phone], list[str]] | None:
    """The event's lead with its usable phones and emails; None when the event is settled here (rejected or
    failed, with the reason on it)."""
    try:
        payload = payload_decode(body=event.body.encode("utf-8"), content_type=event.content_type)
        lead = parser_for(event.source.kind).parse(payload)
    except NothingToDo as exc:
        event.status = InboundEvent.Status.REJECTED
        event.reason = str(exc)
        return None
    except (ValidationFailed, PayloadError) as exc:
        _fail(event, _("The payload cannot be read: %s") % getattr(exc, "detail", exc))
        return None
    phones = [p for p in (phone_normalize(raw) for raw in lead.phones) if p.e164]
    emails = [e for e in (email_normalize(raw) for raw in lead.emails) if email_is_valid(e)]
    if not phones and not emails:
        _fail(event, _("No way to reach the person: no valid phone and no email."))
        event.decision = {"phones_given": lead.phones, "emails_given": lead.emails}
        return None
    return lead, phones, emails


def lead_lock_names(phones: list[Phone], emails: list[str]) -> list[str]:
    return [f"phone:{p.e164}" for p in phones] + [f"email:{e}" for e in emails]


def _process(event: InboundEvent) -> None:
    source = event.source
    read = _read_lead(event)
    if read is None:
        return
    lead, phones, emails = read
    lock_names(lead_lock_names(phones, emails))
    contact, matched_by = _contact_match([p.e164 for p in phones], emails)
    event.matched_by = matched_by
    fields = {"first_name": lead.first_name, "last_name": lead.last_name, "middle_name": lead.middle_name,
              "city": lead.city, "source": source.name}
    if contact is None:
        try:
            contact = contact_create(
                actor=None, first_name=lead.first_name, last_name=lead.last_name, middle_name=lead.middle_name,
                full_name=lead.full_name, phones=[p.raw for p in phones], emails=emails, city=lead.city,
                source=source.name,
            )
        except ValidationFailed as exc:
            _fail(event, _("The contact cannot be created: %s") % json.dumps(exc.fields, ensure_ascii=False))
            return
        event.contact_created = True
        duplicates = possible_duplicates_find(contact=contact)
        if duplicates:
            event.decision["possible_duplicates"] = [d.other_id for d in duplicates]
    else:
        if lead.full_name and not (lead.first_name or lead.last_name):
            from podbor.lib.names import full_name_split

            fields["last_name"], fields["first_name"], fields["middle_name"] = full_name_split(lead.full_name)
        added = contact_enrich(contact=contact, actor=None, phones=phones, emails=emails, fields=fields)
        event.decision["enriched"] = added
    event.contact = contact

    if lead.kind in ("message", "call") and not event.contact_created:
        _log_contact_activity(event, lead, contact)
        return
    _attach_or_create_deal(event, lead, contact)


def _contact_match(e164s: list[str], emails: list[str]) -> tuple[Contact | None, str]:
    # A join on the contact, not "contact IN (every live contact)": SQLite would build that whole list first.
    if e164s:
        phone = (ContactPhone.objects.filter(e164__in=e164s, contact__merged_into__isnull=True)
                 .select_related("contact").order_by("contact_id").first())
        if phone is not None:
            return phone.contact, InboundEvent.MatchedBy.PHONE
    if emails:
        email = (ContactEmail.objects.filter(normalized__in=emails, contact__merged_into__isnull=True)
                 .select_related("contact").order_by("contact_id").first())
        if email is not None:
            return email.contact, InboundEvent.MatchedBy.EMAIL
    return None, InboundEvent.MatchedBy.NONE


def lead_text(lead: Lead, source: Source) -> str:
    parts = [_("Response from %(source)s") % {"source": source.name}]
    if lead.vacancy:
        parts.append(_("vacancy “%(vacancy)s”") % {"vacancy": lead.vacancy})
    text = ", ".join(parts)
    if lead.comment:
        text += ": " + lead.comment
    return text


def repeat_reason(deal_id: int) -> str:
    return _("Repeat response: attached to the open deal #%(id)s") % {"id": deal_id}


def repeat_text(lead: Lead, source: Source) -> str:
    text = _("Repeat response from %(source)s") % {"source": source.name}
    if lead.vacancy:
        text += ", " + _("vacancy “%(vacancy)s”") % {"vacancy": lead.vacancy}
    if lead.comment:
        text += ": " + lead.comment
    return text


def deal_title(contact: Contact, lead: Lead, source: Source) -> str:
    return (" — ".join(p for p in (contact.full_name or lead.full_name, lead.vacancy) if p) or source.name)[:255]


def _attach_or_create_deal(event: InboundEvent, lead: Lead, contact: Contact) -> None:
    source = event.source
    # A contact created in this very transaction has no deal yet: no need to ask.
    open_deal = None if event.contact_created else (
        Deal.objects.filter(contact=contact, pipeline=source.pipeline, closed_at__isnull=True).order_by("-id").first()
    )
    if open_deal is not None:
        event.deal = open_deal
        event.status = InboundEvent.Status.DUPLICATE
        event.reason = repeat_reason(open_deal.pk)
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=open_deal, contact=contact, text=repeat_text(lead, source),
                     data={"event": event.pk, "source": source.slug, "repeat": True})
        event_record(kind="intake.repeat_response", deal_id=open_deal.pk, contact_id=contact.pk,
                     payload={"event": event.pk, "source": source.slug})
        return
    deal = deal_create(actor=None, title=deal_title(contact, lead, source), pipeline=source.pipeline,
                       stage=source.stage, contact=contact, source=source.name)
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, text=lead_text(lead, source),
                 data={"event": event.pk, "source": source.slug, "extra": lead.extra})
    event.deal = deal
    event.deal_created = True
    event.status = InboundEvent.Status.PROCESSED
    event_record(kind="intake.lead_created", deal_id=deal.pk, contact_id=contact.pk,
                 payload={"event": event.pk, "source": source.slug})
    apply_relevance(event, lead, contact, deal)
    if event.status != InboundEvent.Status.REJECTED:  # only a deal that stays open gets a manager
        from podbor.routing.services import deal_assign  # intake builds on routing; imported here, one edit

        deal_assign(deal=deal)


def apply_relevance(event: InboundEvent, lead: Lead, contact: Contact, deal: Deal) -> None:
    rules = event.source.relevance or {}
    allowed = [name_fold(c) for c in rules.get("allowed_cities") or []]
    if not allowed or name_fold(lead.city or contact.city) in allowed:
        return
    reason_name = rules.get("lost_reason") or _("Not relevant")
    reason = LostReason.objects.filter(pipeline=deal.pipeline, name=reason_name).first()
    if reason is None:
        reason = LostReason.objects.create(pipeline=deal.pipeline, name=reason_name, order=999)
    city = lead.city or contact.city or _("not given")
    deal_close_lost(deal=deal, reason=reason, actor=None)
    event.status = InboundEvent.Status.REJECTED
    event.reason = _("City “%(city)s” is not in the allowed list") % {"city": city}
    reply = rules.get("auto_reply")
    if reply:
        channel = rules.get("auto_reply_channel") or "sms"
        phone = contact.phones.first()
        email = contact.emails.first()
        to = (email.normalized if channel == "email" and email else phone.e164 if phone else "")
        if to:
            message_queue(channel=channel, to=to, text=reply, contact=contact, deal=deal,
                          reason=_("auto-reply: not relevant"))


def _log_contact_activity(event: InboundEvent, lead: Lead, contact: Contact) -> None:
    """A known person wrote or called: the message or call goes on their timeline (and open deal)."""
    # The open deal, or else the latest one: a hired candidate calling again belongs with their won deal.
    deal = (Deal.objects.filter(contact=contact, closed_at__isnull=True).order_by("-updated_at").first()
            or Deal.objects.filter(contact=contact).order_by("-updated_at").first())
    if lead.kind == "message":
        entry_kind, text = TimelineEntry.Kind.MESSAGE, lead.message_text or lead.comment
        data = {"direction": "in", "channel": event.source.kind, "event": event.pk}
    else:
        call = lead.call
        entry_kind = TimelineEntry.Kind.CALL
        text = _("Call %(direction)s, %(status)s") % {"direction": call.direction, "status": call.status}
        if call.duration:
            text += _(", %(s)s s") % {"s": call.duration}
        data = {"call_id": call.call_id, "direction": call.direction, "status": call.status,
                "duration": call.duration, "recording_url": call.recording_url, "recording_id": call.recording_id,
                "event": event.pk}
    timeline_add(kind=entry_kind, deal=deal, contact=contact, text=text, data=data)
    event_record(kind=f"intake.{lead.kind}_received", deal_id=deal.pk if deal else None, contact_id=contact.pk,
                 payload={"event": event.pk, "source": event.source.slug})
    event.deal = deal
    event.status = InboundEvent.Status.PROCESSED
    event.reason = _("Known contact: %(what)s added to the timeline") % {
        "what": _("message") if lead.kind == "message" else _("call")
    }
