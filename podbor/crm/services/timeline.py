from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Contact, Deal, TimelineEntry
from podbor.events.services import event_record
from podbor.lib.errors import ValidationFailed


def timeline_add(
    *,
    kind: str,
    text: str = "",
    deal: Deal | None = None,
    contact: Contact | None = None,
    author: User | None = None,
    data: dict | None = None,
) -> TimelineEntry:
    if contact is None and deal is not None:
        contact = deal.contact
    now = timezone.now()
    if deal is not None and author is not None and deal.touched_at is None and deal.responsible_id == author.pk:
        # The responsible's first action on the deal: it no longer counts as an untouched lead.
        Deal.objects.filter(pk=deal.pk, touched_at__isnull=True).update(touched_at=now)
        deal.touched_at = now
    return TimelineEntry.objects.create(
        kind=kind,
        text=text,
        deal=deal,
        contact=contact,
        author=author,
        data=data or {},
        created_at=now,
    )


def changed_fields_label(model, before: dict, custom_names: dict[str, str] | None = None) -> str:
    """The changed fields as a reader knows them ("город, Оклад"), not as code names ("city, custom")."""
    labels = []
    for name in sorted(before):
        if name == "custom":
            labels += [(custom_names or {}).get(code, code) for code in sorted(before["custom"] or {})]
            continue
        field = model._meta.get_field(name)
        label = field.related_model._meta.verbose_name_plural if field.one_to_many else field.verbose_name
        labels.append(str(label))
    return ", ".join(labels)


@transaction.atomic
def note_add(*, actor: User, text: str, deal: Deal | None = None, contact: Contact | None = None) -> TimelineEntry:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("A note cannot be empty."), fields={"text": [_("Write something.")]})
    if deal is None and contact is None:
        raise ValidationFailed(_("A note belongs to a deal or a contact."), fields={"deal": [_("Required.")]})
    entry = timeline_add(kind=TimelineEntry.Kind.NOTE, text=text, deal=deal, contact=contact, author=actor)
    event_record(
        kind="note.added",
        deal_id=deal.pk if deal else None,
        contact_id=entry.contact_id,
        actor_id=actor.pk,
        payload={"entry": entry.pk},
    )
    return entry
