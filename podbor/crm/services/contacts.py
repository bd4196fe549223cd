import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import Team, User
from podbor.crm.models import Company, Contact, ContactEmail, ContactPhone, CustomField, Tag, TimelineEntry
from podbor.crm.services.custom_fields import custom_fields_for, custom_values_clean
from podbor.crm.services.timeline import changed_fields_label, timeline_add
from podbor.events.models import DomainEvent
from podbor.events.services import event_record, events_record_many
from podbor.lib.errors import ValidationFailed
from podbor.lib.names import email_is_valid, email_normalize, full_name_split, name_clean, name_fold
from podbor.lib.phones import Phone, phone_normalize
from podbor.lib.translit import name_key

_UNSET = object()


def _name_folded(contact: Contact) -> str:
    return name_fold(" ".join(p for p in (contact.last_name, contact.first_name, contact.middle_name) if p))


def _phones_clean(phones: list[str]) -> tuple[list, dict]:
    cleaned, errors = [], {}
    seen = set()
    for index, raw in enumerate(phones):
        if not isinstance(raw, str) or not raw.strip():
            errors[f"phones.{index}"] = [_("Empty phone number.")]
            continue
        phone = phone_normalize(raw)
        if not phone.e164:
            errors[f"phones.{index}"] = [_("This does not look like a phone number.")]
            continue
        if phone.e164 in seen:
            continue
        seen.add(phone.e164)
        cleaned.append(phone)
    return cleaned, errors


def _emails_clean(emails: list[str]) -> tuple[list, dict]:
    cleaned, errors = [], {}
    for index, raw in enumerate(emails):
        email = email_normalize(raw if isinstance(raw, str) else "")
        if not email_is_valid(email):
            errors[f"emails.{index}"] = [_("Not a valid email address.")]
            continue
        if email not in [e for _raw, e in cleaned]:
            cleaned.append((raw.strip(), email))
    return cleaned, errors


def _set_phones(contact: Contact, phones: list) -> None:
    contact.phones.all().delete()
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=contact, raw=p.raw, e164=p.e164, is_valid=p.valid, order=i) for i, p in enumerate(phones)
    )


def _set_emails(contact: Contact, emails: list) -> None:
    contact.emails.all().delete()
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=contact, raw=raw, normalized=email, order=i) for i, (raw, email) in enumerate(emails)
    )


def _set_tags(contact: Contact, tags: list[str]) -> None:
    objs = [Tag.objects.get_or_create(name=name.strip())[0] for name in tags if name and name.strip()]
    contact.tags.set(objs)


@dataclass
class ContactDraft:
    """A validated, unsaved contact with its cleaned phones and (raw, normalised) emails."""

    contact: Contact
    phones: list[Phone]
    emails: list[tuple[str, str]]

    def refresh_derived(self) -> None:
        """Recompute the folded name and the transliteration key after the name fields changed."""
        self.contact.name_folded = _name_folded(self.contact)
        self.contact.name_key = name_key(self.contact.last_name, self.contact.first_name)


def contact_build(
    *,
    actor: User | None,
    first_name: str = "",
    last_name: str = "",
    middle_name: str = "",
    full_name: str = "",
    phones: list[str] | None = None,
    emails: list[str] | None = None,
    city: str = "",
    address: str = "",
    gender: str = "",
    birth_date: datetime.date | None = None,
    source: str = "",
    consent_at: datetime.datetime | None = None,
    company: Company | None = None,
    team: Team | None = None,
    custom: dict | None = None,
) -> ContactDraft:
    """Validate a new contact without saving it; raises ValidationFailed with every error at once."""
    first_name, last_name, middle_name = name_clean(first_name), name_clean(last_name), name_clean(middle_name)
    if full_name and not (first_name or last_name or middle_name):
        last_name, first_name, middle_name = full_name_split(full_name)
    errors: dict[str, list[str]] = {}
    clean_phones, phone_errors = _phones_clean(phones or [])
    clean_emails, email_errors = _emails_clean(emails or [])
    errors |= phone_errors | email_errors
    if not (first_name or last_name or middle_name or clean_phones or clean_emails):
        errors.setdefault("full_name", []).append(_("Give a name, a phone or an email."))
    if gender not in Contact.Gender.values:
        errors["gender"] = [_("Unknown gender.")]
    custom_clean = {}
    if custom:
        try:
            custom_clean = custom_values_clean(entity=CustomField.Entity.CONTACT, values=custom)
        except ValidationFailed as exc:
            errors |= exc.fields
    if errors:
        raise ValidationFailed(_("The contact has errors."), fields=errors)
    if team is None and actor is not None and not actor.is_admin:
        team = actor.team
    contact = Contact(
        first_name=first_name,
        last_name=last_name,
        middle_name=middle_name,
        city=(city or "").strip(),
        address=(address or "").strip(),
        gender=gender,
        birth_date=birth_date,
        source=(source or "").strip(),
        consent_at=consent_at,
        company=company,
        team=team,
        custom=custom_clean,
    )
    draft = ContactDraft(contact=contact, phones=clean_phones, emails=clean_emails)
    draft.refresh_derived()
    return draft


@transaction.atomic
def contact_create(*, actor: User | None, tags: list[str] | None = None, **fields) -> Contact:
    """Create a contact; ``fields`` are those of ``contact_build``."""
    draft = contact_build(actor=actor, **fields)
    contact = draft.contact
    contact.save()
    _set_phones(contact, draft.phones)
    _set_emails(contact, draft.emails)
    if tags:
        _set_tags(contact, tags)
    timeline_add(kind=TimelineEntry.Kind.SYSTEM, contact=contact, author=actor, text=_("Contact created"))
    event_record(kind="contact.created", contact_id=contact.pk, actor_id=actor.pk if actor else None)
    return contact


def contacts_insert(*, drafts: list[ContactDraft], actor: User | None = None) -> list[Contact]:
    """Save many built contacts at once, with what ``contact_create`` writes for each (phones, emails, the
    timeline entry, the domain event), in a handful of INSERTs. Call inside transaction.atomic()."""
    if not drafts:
        return []
    contacts = Contact.objects.bulk_create([d.contact for d in drafts])
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=c, raw=p.raw, e164=p.e164, is_valid=p.valid, order=i)
        for c, d in zip(contacts, drafts, strict=True) for i, p in enumerate(d.phones)
    )
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, raw=raw, normalized=email, order=i)
        for c, d in zip(contacts, drafts, strict=True) for i, (raw, email) in enumerate(d.emails)
    )
    now = timezone.now()
    text = _("Contact created")
    author_id = actor.pk if actor else None
    TimelineEntry.objects.bulk_create(
        TimelineEntry(kind=TimelineEntry.Kind.SYSTEM, contact=c, author_id=author_id, text=text, data={},
                      created_at=now) for c in contacts
    )
    events_record_many([DomainEvent(kind="contact.created", contact_id=c.pk, actor_id=author_id, payload={})
                        for c in contacts])
    return contacts


_CONTACT_TEXT_FIELDS = ("first_name", "last_name", "middle_name", "city", "address", "source")


@transaction.atomic
def contact_update(*, contact: Contact, actor: User | None, **changes) -> Contact:
    """Change only the given fields. ``phones``/``emails``/``tags`` replace the lists; ``custom`` merges."""
    allowed = set(_CONTACT_TEXT_FIELDS) | {"gender", "birth_date", "consent_at", "company", "phones", "emails",
                                           "tags", "custom", "full_name"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    if "full_name" in changes:
        full_name = changes.pop("full_name")
        if full_name:
            changes["last_name"], changes["first_name"], changes["middle_name"] = full_name_split(full_name)
    clean_phones = clean_emails = None
    if "phones" in changes:
        clean_phones, phone_errors = _phones_clean(changes.pop("phones") or [])
        errors |= phone_errors
    if "emails" in changes:
        clean_emails, email_errors = _emails_clean(changes.pop("emails") or [])
        errors |= email_errors
    if "gender" in changes and changes["gender"] not in Contact.Gender.values:
        errors["gender"] = [_("Unknown gender.")]
    if "custom" in changes:
        try:
            changes["custom"] = custom_values_clean(
                entity=CustomField.Entity.CONTACT, values=changes["custom"] or {}, current=contact.custom
            )
        except ValidationFailed as exc:
            errors |= exc.fields
    names_after = [
        name_clean(changes[f]) if f in changes else getattr(contact, f)
        for f in ("first_name", "last_name", "middle_name")
    ]
    phones_after = clean_phones if clean_phones is not None else contact.phones.exists()
    emails_after = clean_emails if clean_emails is not None else contact.emails.exists()
    if not errors and not (any(names_after) or phones_after or emails_after):
        errors["full_name"] = [_("Give a name, a phone or an email.")]
    if errors:
        raise ValidationFailed(_("The contact has errors."), fields=errors)

    tags = changes.pop("tags", None)
    before = {}
    for field, value in changes.items():
        if field in ("first_name", "last_name", "middle_name"):
            value = name_clean(value)
        elif field in _CONTACT_TEXT_FIELDS:
            value = (value or "").strip()
        old = getattr(contact, field)
        if field == "custom":
            diff = sorted(k for k in set(old) | set(value) if old.get(k) != value.get(k))
            if diff:
                before["custom"] = {k: old.get(k) for k in diff}
                contact.custom = value
            continue
        if old != value:
            before[field] = str(old) if old is not None else None
            setattr(contact, field, value)
    old_phones = [p.e164 or p.raw for p in contact.phones.all()]
    old_emails = [e.normalized for e in contact.emails.all()]
    if clean_phones is not None and [p.e164 for p in clean_phones] != old_phones:
        before["phones"] = old_phones
        _set_phones(contact, clean_phones)
    if clean_emails is not None and [e for _raw, e in clean_emails] != old_emails:
        before["emails"] = old_emails
        _set_emails(contact, clean_emails)
    if tags is not None:
        _set_tags(contact, tags)
    contact.name_folded = _name_folded(contact)
    contact.name_key = name_key(contact.last_name, contact.first_name)
    # Only what changed plus the derived, non-editable columns (name_folded…): a stale instance must not write
    # back fields others changed meanwhile, such as the team deal_create gives an unowned contact.
    derived = [f.name for f in Contact._meta.concrete_fields if not f.editable and not f.primary_key]
    contact.save(update_fields=[f for f in before if f not in ("phones", "emails")] + derived)
    if before:
        timeline_add(
            kind=TimelineEntry.Kind.SYSTEM,
            contact=contact,
            author=actor,
            text=_("Contact changed: %(fields)s") % {"fields": changed_fields_label(
                Contact, before, {c: f.name for c, f in custom_fields_for(CustomField.Entity.CONTACT).items()})},
            data={"before": before},
        )
        event_record(
            kind="contact.updated",
            contact_id=contact.pk,
            actor_id=actor.pk if actor else None,
            payload={"fields": sorted(before)},
        )
    return contact
