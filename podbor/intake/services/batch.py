"""Set-based processing: a batch of waiting events becomes contacts and deals in one transaction, with a few
queries per batch instead of a few dozen per event. The decisions are those of the per-event path
(``events._process``): the same matching, the same repeat detection, the same texts. What is rare goes through
that path inside the same transaction: messages and calls, sources whose first stage has a guard, relevance
rejections, enriching an existing contact with something new.

Two workers never take the same event (``SKIP LOCKED`` on PostgreSQL, the single writer on SQLite), and every
phone and email of a batch is locked before matching, so concurrent batches about one person see each other.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.crm.models import Contact, ContactEmail, ContactPhone, Deal, Stage, TimelineEntry
from podbor.crm.services import (
    ContactDraft,
    contact_build,
    contact_enrich,
    deal_build,
    deals_insert,
    possible_duplicates_find_many,
)
from podbor.crm.services.contacts import contacts_insert
from podbor.events.models import DomainEvent
from podbor.events.services import events_record_many
from podbor.intake.models import InboundEvent, Source
from podbor.intake.services.events import (
    _fail,
    _process,
    _read_lead,
    apply_relevance,
    deal_title,
    inbound_event_process,
    lead_lock_names,
    lead_text,
    repeat_reason,
    repeat_text,
)
from podbor.intake.sources import Lead
from podbor.lib.errors import ValidationFailed
from podbor.lib.locks import lock_names
from podbor.lib.names import full_name_split
from podbor.lib.phones import Phone

logger = logging.getLogger(__name__)
BATCH_SIZE = 100
DRAIN_BATCHES = 50  # then the drain job hands over to a fresh one, so that no job runs for ever

_ENRICHABLE = ("last_name", "first_name", "middle_name", "city", "source")
_EVENT_FIELDS = ["status", "reason", "matched_by", "contact", "deal", "contact_created", "deal_created", "decision",
                 "attempts", "processed_at"]


def inbound_events_drain(*, max_batches: int = DRAIN_BATCHES) -> int:
    """Process waiting events batch after batch until none is left; returns how many were taken."""
    total = 0
    for _round in range(max_batches):
        taken = inbound_events_process_batch()
        total += len(taken)
        if len(taken) < BATCH_SIZE:
            return total
    from podbor.intake.services.events import _enqueue_drain

    _enqueue_drain()  # more is waiting: another job goes on
    return total


def inbound_events_sweep(*, older_than: timedelta = timedelta(seconds=15), limit: int = 500) -> int:
    """Process whatever a crash or a lost job left waiting."""
    stale = list(InboundEvent.objects.filter(
        status=InboundEvent.Status.RECEIVED, received_at__lte=timezone.now() - older_than
    ).order_by("received_at").values_list("pk", flat=True)[:limit])
    done = 0
    for start in range(0, len(stale), BATCH_SIZE):
        done += len(inbound_events_process_batch(event_ids=stale[start:start + BATCH_SIZE]))
    return done


def inbound_events_process_batch(*, limit: int = BATCH_SIZE, event_ids: list[int] | None = None
                                 ) -> list[InboundEvent]:
    """Take up to ``limit`` waiting events (the oldest, or those of ``event_ids`` still waiting) and process them
    in one transaction. Should the batch fail as a whole, each event is processed on its own, so that one bad
    event costs only itself (its attempts are counted; after MAX_ATTEMPTS it is marked failed)."""
    claimed: list[int] = []
    try:
        with transaction.atomic():
            events = _claim(limit, event_ids)
            claimed = [event.pk for event in events]
            if events:
                _Batch(events).run()
                _events_save(events)
            return events
    except Exception:
        logger.exception("an intake batch of %s events failed; processing them one by one", len(claimed))
    processed = []
    for event_id in claimed:
        try:
            processed.append(inbound_event_process(event_id=event_id))
        except Exception:  # counted on the event; a later drain or the sweeper tries again
            logger.warning("intake event %s failed on its own too", event_id)
    return processed


def _events_save(events: list[InboundEvent]) -> None:
    """Write back what was decided, one prepared UPDATE run for every event (``bulk_update`` builds a CASE
    expression per field and row, which costs more than the whole processing)."""
    fields = [InboundEvent._meta.get_field(name) for name in _EVENT_FIELDS]
    table, pk = InboundEvent._meta.db_table, InboundEvent._meta.pk.column
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {qn(table)} SET {assignments} WHERE {qn(pk)} = %s"  # noqa: S608 - names from the model
    rows = [[f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields] + [event.pk]
            for event in events]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _claim(limit: int, event_ids: list[int] | None) -> list[InboundEvent]:
    waiting = InboundEvent.objects.filter(status=InboundEvent.Status.RECEIVED)
    if event_ids is not None:
        waiting = waiting.filter(pk__in=event_ids)
    return list(
        waiting.select_for_update(skip_locked=True, of=("self",))
        .select_related("source", "source__pipeline", "source__stage")
        .order_by("received_at", "id")[:limit]
    )


@dataclass
class _Item:
    """One event on its way: what was read from it and what was decided."""

    event: InboundEvent
    lead: Lead
    phones: list[Phone]
    emails: list[str]
    ref: "_Ref | None" = None
    deal_ref: "_DealRef | None" = None
    added: list[str] = field(default_factory=list)


@dataclass(eq=False)
class _Ref:
    """A contact as the batch knows it: one already saved, or one to be created by this batch."""

    contact: Contact | None = None  # saved
    draft: ContactDraft | None = None  # new
    order: int = 0  # among new ones: the first made wins a tie, as the lowest id would

    @property
    def obj(self) -> Contact:
        return self.contact if self.contact is not None else self.draft.contact

    def sort_key(self) -> tuple:
        return (1, self.order) if self.draft is not None else (0, self.contact.pk)


@dataclass(eq=False)
class _DealRef:
    deal_id: int | None = None  # an open deal already there
    deal: Deal | None = None  # a deal this batch creates


class _Batch:
    def __init__(self, events: list[InboundEvent]):
        self.events = events
        self.now = timezone.now()
        self.items: list[_Item] = []
        self.singles: list[InboundEvent] = []
        self.by_phone: dict[str, list[_Ref]] = {}
        self.by_email: dict[str, list[_Ref]] = {}
        self.saved: dict[int, _Ref] = {}
        self.new: list[_Ref] = []
        self.open_deals: dict[tuple[int, int], _DealRef] = {}  # (id(ref), pipeline) → deal
        self.known_phones: dict[int, set[str]] = {}
        self.known_emails: dict[int, set[str]] = {}
        self.first_stage: dict[int, Stage | None] = {}

    def run(self) -> None:
        names: list[str] = []
        for event in self.events:
            event.attempts += 1
            event.processed_at = self.now
            read = _read_lead(event)
            if read is None:
                continue
            lead, phones, emails = read
            names += lead_lock_names(phones, emails)
            if lead.kind != "lead" or self._guarded(event.source):
                self.singles.append(event)
            else:
                self.items.append(_Item(event=event, lead=lead, phones=phones, emails=emails))
        lock_names(names)
        if self.items:
            self._load_matches()
            for item in self.items:
                self._decide(item)
            self._write()
        for event in self.singles:
            _process(event)

    def _guarded(self, source: Source) -> bool:
        """A first stage with a guard: the per-event path says what is missing, as deal_create does."""
        stage = self._first_stage(source)
        return stage is None or bool(stage.required_fields)

    def _first_stage(self, source: Source) -> Stage | None:
        if source.pk not in self.first_stage:
            self.first_stage[source.pk] = source.stage or source.pipeline.first_open_stage()
        return self.first_stage[source.pk]

    # --- matching ---------------------------------------------------------------------------------------------

    def _load_matches(self) -> None:
        """Who of the batch's phones and emails is known already, with their contacts and open deals."""
        e164s = {p.e164 for item in self.items for p in item.phones}
        emails = {e for item in self.items for e in item.emails}
        phone_rows = list(ContactPhone.objects.filter(e164__in=e164s, contact__merged_into__isnull=True)
                          .values_list("e164", "contact_id")) if e164s else []
        email_rows = list(ContactEmail.objects.filter(normalized__in=emails, contact__merged_into__isnull=True)
                          .values_list("normalized", "contact_id")) if emails else []
        ids = {cid for _key, cid in phone_rows} | {cid for _key, cid in email_rows}
        if not ids:
            return
        for contact in Contact.objects.filter(pk__in=ids):
            self.saved[contact.pk] = _Ref(contact=contact)
        for key, cid in phone_rows:
            self.by_phone.setdefault(key, []).append(self.saved[cid])
        for key, cid in email_rows:
            self.by_email.setdefault(key, []).append(self.saved[cid])
        for cid, e164 in ContactPhone.objects.filter(contact_id__in=ids).values_list("contact_id", "e164"):
            self.known_phones.setdefault(cid, set()).add(e164)
        for cid, email in ContactEmail.objects.filter(contact_id__in=ids).values_list("contact_id", "normalized"):
            self.known_emails.setdefault(cid, set()).add(email)
        pipelines = {item.event.source.pipeline_id for item in self.items}
        open_deals = (Deal.objects.filter(contact_id__in=ids, pipeline_id__in=pipelines, closed_at__isnull=True)
                      .order_by("-id").values_list("pk", "contact_id", "pipeline_id"))
        for deal_id, cid, pipeline_id in open_deals:
            self.open_deals.setdefault((id(self.saved[cid]), pipeline_id), _DealRef(deal_id=deal_id))

    def _match(self, item: _Item) -> tuple[_Ref | None, str]:
        phones = [p.e164 for p in item.phones]
        for index, keys, how in ((self.by_phone, phones, InboundEvent.MatchedBy.PHONE),
                                 (self.by_email, item.emails, InboundEvent.MatchedBy.EMAIL)):
            refs = [ref for key in keys for ref in index.get(key, [])]
            if refs:
                return min(refs, key=_Ref.sort_key), how
        return None, InboundEvent.MatchedBy.NONE

    # --- deciding ---------------------------------------------------------------------------------------------

    def _decide(self, item: _Item) -> None:
        event, lead, source = item.event, item.lead, item.event.source
        ref, matched_by = self._match(item)
        event.matched_by = matched_by
        if ref is None:
            try:
                draft = contact_build(
                    actor=None, first_name=lead.first_name, last_name=lead.last_name, middle_name=lead.middle_name,
                    full_name=lead.full_name, phones=[p.raw for p in item.phones], emails=item.emails,
                    city=lead.city, source=source.name,
                )
            except ValidationFailed as exc:
                _fail(event, _("The contact cannot be created: %s") % json.dumps(exc.fields, ensure_ascii=False))
                return
            ref = _Ref(draft=draft, order=len(self.new))
            self.new.append(ref)
            self._index(ref, [p.e164 for p in draft.phones], [e for _raw, e in draft.emails])
            event.contact_created = True
        else:
            item.added = self._enrich(ref, item)
            event.decision["enriched"] = item.added
        item.ref = ref
        key = (id(ref), source.pipeline_id)
        open_deal = self.open_deals.get(key)
        if open_deal is not None:
            item.deal_ref = open_deal
            event.status = InboundEvent.Status.DUPLICATE
            return
        stage = self._first_stage(source)
        deal = deal_build(actor=None, title=deal_title(ref.obj, lead, source), pipeline=source.pipeline, stage=stage,
                          contact=ref.obj, source=source.name, now=self.now)
        item.deal_ref = self.open_deals[key] = _DealRef(deal=deal)
        event.deal_created = True
        event.status = InboundEvent.Status.PROCESSED

    def _index(self, ref: _Ref, e164s: list[str], emails: list[str]) -> None:
        for e164 in e164s:
            self.by_phone.setdefault(e164, []).append(ref)
        for email in emails:
            self.by_email.setdefault(email, []).append(ref)

    def _enrich(self, ref: _Ref, item: _Item) -> list[str]:
        """What ``contact_enrich`` adds: new phones and emails, empty fields filled; nothing overwritten."""
        lead = item.lead
        fields = {"first_name": lead.first_name, "last_name": lead.last_name, "middle_name": lead.middle_name,
                  "city": lead.city, "source": item.event.source.name}
        if lead.full_name and not (lead.first_name or lead.last_name):
            fields["last_name"], fields["first_name"], fields["middle_name"] = full_name_split(lead.full_name)
        if ref.draft is not None:
            return self._enrich_draft(ref, item, fields)
        contact = ref.contact
        phones = self.known_phones.setdefault(contact.pk, set())
        emails = self.known_emails.setdefault(contact.pk, set())
        fresh_phones = [p for p in item.phones if p.e164 not in phones]
        fresh_emails = [e for e in item.emails if e not in emails]
        fills = any((fields.get(f) or "").strip() and not getattr(contact, f) for f in _ENRICHABLE)
        if not (fresh_phones or fresh_emails or fills):
            return []
        added = contact_enrich(contact=contact, actor=None, phones=item.phones, emails=item.emails, fields=fields)
        phones.update(p.e164 for p in fresh_phones)
        emails.update(fresh_emails)
        self._index(ref, [p.e164 for p in fresh_phones], fresh_emails)
        return added

    def _enrich_draft(self, ref: _Ref, item: _Item, fields: dict) -> list[str]:
        draft = ref.draft
        added: list[str] = []
        have_phones = {p.e164 for p in draft.phones}
        for phone in item.phones:
            if phone.e164 not in have_phones:
                draft.phones.append(phone)
                have_phones.add(phone.e164)
                added.append(phone.e164)
        have_emails = {e for _raw, e in draft.emails}
        for email in item.emails:
            if email not in have_emails:
                draft.emails.append((email, email))
                have_emails.add(email)
                added.append(email)
        contact = draft.contact
        changed = []
        for name in _ENRICHABLE:
            value = (fields.get(name) or "").strip()
            if value and not getattr(contact, name):
                setattr(contact, name, value)
                changed.append(name)
        if changed:
            draft.refresh_derived()
        self._index(ref, [p for p in added if p.startswith("+")], [e for e in added if "@" in e])
        return added + changed

    # --- writing ----------------------------------------------------------------------------------------------

    def _write(self) -> None:
        drafts = [ref.draft for ref in self.new]
        contacts_insert(drafts=drafts)
        new_deals = [item.deal_ref.deal for item in self.items if item.event.deal_created]
        deals_insert(deals=new_deals)
        entries: list[TimelineEntry] = []
        domain: list[DomainEvent] = []
        for item in self.items:
            event = item.event
            if item.ref is None:
                continue  # failed while deciding
            contact = item.ref.obj
            event.contact = contact
            source = event.source
            if item.ref.draft is not None and item.added and not event.contact_created:
                entries.append(TimelineEntry(
                    kind=TimelineEntry.Kind.SYSTEM, contact=contact, text=_("Contact data added: %(what)s")
                    % {"what": ", ".join(item.added)}, data={"added": item.added}, created_at=self.now))
            if event.deal_created:
                deal = item.deal_ref.deal
                event.deal = deal
                entries.append(TimelineEntry(
                    kind=TimelineEntry.Kind.SYSTEM, deal=deal, contact=contact, text=lead_text(item.lead, source),
                    data={"event": event.pk, "source": source.slug, "extra": item.lead.extra}, created_at=self.now))
                domain.append(DomainEvent(kind="intake.lead_created", deal_id=deal.pk, contact_id=contact.pk,
                                          payload={"event": event.pk, "source": source.slug}))
            else:
                deal_id = item.deal_ref.deal_id if item.deal_ref.deal is None else item.deal_ref.deal.pk
                event.deal_id = deal_id
                event.reason = repeat_reason(deal_id)
                entries.append(TimelineEntry(
                    kind=TimelineEntry.Kind.SYSTEM, deal_id=deal_id, contact=contact,
                    text=repeat_text(item.lead, source),
                    data={"event": event.pk, "source": source.slug, "repeat": True}, created_at=self.now))
                domain.append(DomainEvent(kind="intake.repeat_response", deal_id=deal_id, contact_id=contact.pk,
                                          payload={"event": event.pk, "source": source.slug}))
        TimelineEntry.objects.bulk_create(entries)
        events_record_many(domain)
        look_alikes = possible_duplicates_find_many(contacts=[ref.draft.contact for ref in self.new])
        to_assign = []
        for item in self.items:
            event = item.event
            if event.contact_created and look_alikes.get(event.contact.pk):
                event.decision["possible_duplicates"] = look_alikes[event.contact.pk]
            if event.deal_created:
                if event.source.relevance:
                    apply_relevance(event, item.lead, event.contact, event.deal)
                if event.status != InboundEvent.Status.REJECTED:
                    to_assign.append(event.deal)
        _assign(to_assign)


def _assign(deals: list[Deal]) -> None:
    """Only a deal that stays open gets a manager (intake builds on routing; imported here, one edit)."""
    if not deals:
        return
    from podbor.routing import services as routing

    many = getattr(routing, "deals_assign", None)
    if many is not None:
        many(deals=deals)
        return
    for deal in deals:
        routing.deal_assign(deal=deal)
