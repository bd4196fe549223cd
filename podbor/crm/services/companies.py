from django.db import transaction
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Company, CustomField
from podbor.crm.services.custom_fields import custom_values_clean
from podbor.events.services import event_record
from podbor.lib.errors import ValidationFailed

_FIELDS = ("name", "inn", "phone", "email", "city", "address", "website")


@transaction.atomic
def company_create(*, actor: User | None, name: str, custom: dict | None = None, **fields) -> Company:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A company needs a name."), fields={"name": [_("Required.")]})
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in sorted(unknown)})
    company = Company(
        name=name,
        custom=custom_values_clean(entity=CustomField.Entity.COMPANY, values=custom or {}),
        team=actor.team if actor is not None and not actor.is_admin else None,
        **{k: (v or "").strip() for k, v in fields.items()},
    )
    company.save()
    event_record(kind="company.created", actor_id=actor.pk if actor else None, payload={"company": company.pk})
    return company


@transaction.atomic
def company_update(*, company: Company, actor: User | None, custom: dict | None = None, **fields) -> Company:
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields."), fields={f: [_("Unknown field.")] for f in sorted(unknown)})
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationFailed(_("A company needs a name."), fields={"name": [_("Required.")]})
    changed = []
    if custom is not None:
        cleaned = custom_values_clean(entity=CustomField.Entity.COMPANY, values=custom, current=company.custom)
        if cleaned != company.custom:
            company.custom = cleaned
            changed.append("custom")
    for key, value in fields.items():
        value = (value or "").strip()
        if getattr(company, key) != value:
            setattr(company, key, value)
            changed.append(key)
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
        event_record(kind="company.updated", actor_id=actor.pk if actor else None,
                     payload={"company": company.pk, "fields": sorted(changed)})
    return company
