"""Contacts that are one person: enrich on a repeat, flag look-alikes, merge on request."""

from django.db import transaction
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
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
from podbor.lib import lookups  # noqa: F401 - registers the __any_of lookup used below
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


def possible_duplicates_find(*, contact: Contact) -> list[PossibleDuplicate]:
    """Flag contacts that look like this one but were not merged: the same name in another spelling, or a similar
    name in the same city with a phone one digit off. Uses indexed lookups only (name_key, e164)."""
    found = possible_duplicates_find_many(contacts=[contact])
    if not found.get(contact.pk):
        return []
    return list(PossibleDuplicate.objects.filter(contact=contact, other_id__in=found[contact.pk]))


_NAME_MATCHES_AT_MOST = 20
_VARIANTS_PER_QUERY = 5000


def possible_duplicates_find_many(*, contacts: list[Contact]) -> dict[int, list[int]]:
    """``possible_duplicates_find`` for many saved contacts in a few queries, whatever their number: one for the
    name keys, one per chunk of one-digit phone variants. Records both directions of every pair; returns
    {contact id: [ids of the look-alikes found]}."""
    found: dict[int, dict[int, tuple[str, int]]] = {c.pk: {} for c in contacts}
    by_key: dict[str, list[Contact]] = {}
    for contact in contacts:
        if contact.name_key and " " in contact.name_key:
            by_key.setdefault(contact.name_key, []).append(contact)
    if by_key:
        # The newest few per key, in one query; a popular name does not drag in every namesake.
        ranked = (Contact.objects.filter(merged_into__isnull=True, name_key__in=list(by_key))
                  .annotate(rank=Window(RowNumber(), partition_by=F("name_key"), order_by=F("id").desc()))
                  .filter(rank__lte=_NAME_MATCHES_AT_MOST + len(contacts))
                  .values_list("pk", "name_key", "last_name", "first_name", "city"))
        for other_id, key, last, first, city in ranked:
            other_name = name_fold(" ".join(p for p in (last, first) if p))
            for contact in by_key[key]:
                if other_id == contact.pk or len(found[contact.pk]) >= _NAME_MATCHES_AT_MOST:
                    continue
                own_name = name_fold(" ".join(p for p in (contact.last_name, contact.first_name) if p))
                if other_name != own_name:
                    found[contact.pk][other_id] = (_("the same name in another spelling"), 90)
                elif contact.city and name_fold(city) == name_fold(contact.city):
                    found[contact.pk][other_id] = (_("the same name in the same city"), 80)
    by_variant: dict[str, list[Contact]] = {}
    keyed = {c.pk: c for c in contacts if c.name_key}
    for contact_id, e164 in ContactPhone.objects.filter(contact_id__in=list(keyed)).values_list("contact_id", "e164"):
        for variant in _one_digit_variants(e164):
            by_variant.setdefault(variant, []).append(keyed[contact_id])
    variants = list(by_variant)
    for start in range(0, len(variants), _VARIANTS_PER_QUERY):
        near = (ContactPhone.objects.filter(e164__any_of=variants[start:start + _VARIANTS_PER_QUERY],
                                            contact__merged_into__isnull=True)
                .values_list("e164", "contact_id", "contact__name_key", "contact__city"))
        for e164, other_id, other_key, other_city in near:
            for contact in by_variant[e164]:
                if other_id == contact.pk:
                    continue
                score = int(fuzz.token_sort_ratio(contact.name_key, other_key))
                same_city = bool(contact.city) and name_fold(other_city) == name_fold(contact.city)
                if score >= 80 and same_city:
                    found[contact.pk][other_id] = (_("similar name, same city, phone one digit off"), min(99, score))
    pairs = [
        PossibleDuplicate(contact_id=a, other_id=b, reason=reason, score=score)
        for contact_id, others in found.items() for other_id, (reason, score) in others.items()
        for a, b in ((contact_id, other_id), (other_id, contact_id))
    ]
    # A pair already on record stays as it is (its reason, its resolution).
    PossibleDuplicate.objects.bulk_create(pairs, ignore_conflicts=True)
    return {contact_id: list(others) for contact_id, others in found.items() if others}


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
