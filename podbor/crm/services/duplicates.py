"""Contacts that are one person: enrich on a repeat, flag look-alikes, merge on request."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from podbor.accounts.models import User
from podbor.crm.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    Deal,
    PossibleDuplicate,
    Task,
    TimelineEntry,
)
from podbor.crm.services.timeline import timeline_add
from podbor.events.services import event_record
from podbor.lib.errors import ValidationFailed
from podbor.lib.names import email_normalize, name_fold
from podbor.lib.phones import Phone

_ENRICHABLE = ("last_name", "first_name", "middle_name", "city", "address", "source")


@transaction.atomic
def contact_enrich(
    *, contact: Contact, actor: User | None, phones: list[Phone], emails: list[str], fields: dict[str, str]
) -> list[str]:
    """Add what the contact lacks (new phones and emails, empty fields); never overwrite what is there.

    Returns the names of what was added.
    """
    added: list[str] = []
    known_phones = set(contact.phones.values_list("e164", flat=True))
    order = contact.phones.count()
    for phone in phones:
        if phone.e164 and phone.e164 not in known_phones:
            ContactPhone.objects.create(contact=contact, raw=phone.raw, e164=phone.e164, is_valid=phone.valid,
                                        order=order)
            known_phones.add(phone.e164)
            order += 1
            added.append(phone.e164)
    known_emails = set(contact.emails.values_list("normalized", flat=True))
    order = len(known_emails)
    for raw in emails:
        email = email_normalize(raw)
        if email and email not in known_emails:
            ContactEmail.objects.create(contact=contact, raw=raw.strip(), normalized=email, order=order)
            known_emails.add(email)
            order += 1
            added.append(email)
    changed = []
    for field in _ENRICHABLE:
        value = (fields.get(field) or "").strip()
        if value and not getattr(contact, field):
            setattr(contact, field, value)
            changed.append(field)
    if changed:
        from podbor.crm.services.contacts import _name_folded  # the one place the folded forms are made
        from podbor.lib.translit import name_key

        contact.name_folded = _name_folded(contact)
        contact.name_key = name_key(contact.last_name, contact.first_name)
        contact.save(update_fields=[*changed, "name_folded", "name_key", "updated_at"])
        added += changed
    if added:
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, contact=contact, author=actor,
                     text=_("Contact data added: %(what)s") % {"what": ", ".join(added)}, data={"added": added})
    return added


def _one_digit_variants(e164: str) -> list[str]:
    """Every number that differs from ``e164`` in one digit (the country code kept)."""
    if not e164.startswith("+") or len(e164) < 8:
        return []
    head, digits = e164[:2], e164[2:]
    variants = []
    for i, ch in enumerate(digits):
        for d in "0123456789":
            if d != ch:
                variants.append(head + digits[:i] + d + digits[i + 1:])
    return variants


def _record_pair(contact: Contact, other: Contact, reason: str, score: int) -> None:
    for a, b in ((contact, other), (other, contact)):
        PossibleDuplicate.objects.get_or_create(contact=a, other=b, defaults={"reason": reason, "score": score})


def possible_duplicates_find(*, contact: Contact) -> list[PossibleDuplicate]:
    """Flag contacts that look like this one but were not merged: the same name in another spelling, or a similar
    name in the same city with a phone one digit off. Uses indexed lookups only (name_key, e164)."""
    found: dict[int, tuple[str, int]] = {}
    live = Contact.objects.filter(merged_into__isnull=True).exclude(pk=contact.pk)
    own_name = " ".join(p for p in (contact.last_name, contact.first_name) if p)
    if contact.name_key and " " in contact.name_key:
        for other in live.filter(name_key=contact.name_key)[:20]:
            other_name = " ".join(p for p in (other.last_name, other.first_name) if p)
            if name_fold(other_name) != name_fold(own_name):
                found[other.pk] = (_("the same name in another spelling"), 90)
            elif contact.city and name_fold(other.city) == name_fold(contact.city):
                found[other.pk] = (_("the same name in the same city"), 80)
    variants = [v for p in contact.phones.all() for v in _one_digit_variants(p.e164)]
    if variants and contact.name_key:
        near = live.filter(phones__e164__in=variants).distinct()[:20]
        for other in near:
            score = int(fuzz.token_sort_ratio(contact.name_key, other.name_key))
            same_city = bool(contact.city) and name_fold(other.city) == name_fold(contact.city)
            if score >= 80 and same_city:
                found[other.pk] = (_("similar name, same city, phone one digit off"), min(99, score))
    pairs = []
    for other_id, (reason, score) in found.items():
        other = Contact.objects.get(pk=other_id)
        _record_pair(contact, other, reason, score)
        pairs.append(PossibleDuplicate.objects.get(contact=contact, other=other))
    return pairs


@transaction.atomic
def contact_merge(*, contact: Contact, into: Contact, actor: User | None) -> Contact:
    """Merge ``contact`` into ``into``: deals, tasks, the timeline, phones, emails and tags move; empty fields are
    filled; the merged contact stays, hidden, pointing at ``into``. Both timelines are kept."""
    if contact.pk == into.pk:
        raise ValidationFailed(_("A contact cannot be merged into itself."), fields={"into": [_("Choose another.")]})
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    into = Contact.objects.select_for_update().get(pk=into.pk)
    if contact.merged_into_id or into.merged_into_id:
        raise ValidationFailed(_("This contact was already merged."), fields={"into": [_("Already merged.")]})
    snapshot = {
        "id": contact.pk,
        "name": contact.full_name,
        "phones": list(contact.phones.values_list("e164", flat=True)),
        "emails": list(contact.emails.values_list("normalized", flat=True)),
        "city": contact.city,
    }
    phones = [Phone(raw=p.raw, e164=p.e164, valid=p.is_valid) for p in contact.phones.all()]
    emails = list(contact.emails.values_list("raw", flat=True))
    contact_enrich(contact=into, actor=actor, phones=phones, emails=emails,
                   fields={f: getattr(contact, f) for f in _ENRICHABLE})
    for field in ("gender", "birth_date", "consent_at", "company_id", "team_id"):
        if not getattr(into, field) and getattr(contact, field):
            setattr(into, field, getattr(contact, field))
    into.custom = contact.custom | into.custom
    into.save()
    into.tags.add(*contact.tags.all())
    Deal.objects.filter(contact=contact).update(contact=into)
    Task.objects.filter(contact=contact).update(contact=into)
    TimelineEntry.objects.filter(contact=contact).update(contact=into)
    contact.phones.all().delete()
    contact.emails.all().delete()
    PossibleDuplicate.objects.filter(Q(contact=contact) | Q(other=contact)).update(resolved_at=timezone.now())
    contact.merged_into = into
    contact.save(update_fields=["merged_into", "updated_at"])
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, contact=into, author=actor,
                 text=_("Contact “%(name)s” merged into this one") % {"name": snapshot["name"] or snapshot["id"]},
                 data={"merged": snapshot})
    event_record(kind="contact.merged", contact_id=into.pk, actor_id=actor.pk if actor else None,
                 payload={"merged": contact.pk})
    return into


@transaction.atomic
def possible_duplicate_dismiss(*, contact: Contact, other: Contact, actor: User | None) -> int:
    """Someone checked: these two are different people. The pair is resolved in both directions, so neither card
    shows it again; the rows stay as a record. Returns how many rows were resolved (0 if already done)."""
    if contact.pk == other.pk:
        raise ValidationFailed(_("A contact cannot be a duplicate of itself."),
                               fields={"other": [_("Choose another.")]})
    resolved = PossibleDuplicate.objects.filter(
        Q(contact=contact, other=other) | Q(contact=other, other=contact), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())
    if resolved:
        # Only the other's number: a reader of this card may not be allowed to see the other contact.
        for a, b in ((contact, other), (other, contact)):
            timeline_add(kind=TimelineEntry.Kind.SYSTEM, contact=a, author=actor,
                         text=_("Marked as not a duplicate of contact #%(id)s") % {"id": b.pk},
                         data={"not_duplicate_of": b.pk})
    return resolved
