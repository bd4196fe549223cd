"""Custom field values are validated on write against the admin's definitions."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from podbor.crm.models import CustomField, Pipeline
from podbor.lib.errors import ValidationFailed
from podbor.lib.names import email_is_valid, email_normalize
from podbor.lib.phones import phone_normalize


def custom_fields_for(entity: str, pipeline: Pipeline | None = None) -> dict[str, CustomField]:
    fields = CustomField.objects.filter(entity=entity)
    if entity == CustomField.Entity.DEAL and pipeline is not None:
        fields = fields.filter(pipeline__isnull=True) | fields.filter(pipeline=pipeline)
    return {f.code: f for f in fields}


def _clean_value(field: CustomField, value):
    """Return the stored form of ``value`` or raise ValueError with a message for the user."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = field.kind
    if kind in (CustomField.Kind.TEXT, CustomField.Kind.ADDRESS):
        if not isinstance(value, str | int | float):
            raise ValueError(_("Expected text."))
        return str(value).strip()
    if kind == CustomField.Kind.NUMBER:
        if isinstance(value, bool):
            raise ValueError(_("Expected a number."))
        try:
            # Spreadsheets paste "1 234,5" with a comma and a (non-breaking) thousands space.
            number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\xa0", ""))
        except InvalidOperation:
            raise ValueError(_("Expected a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValueError(_("Expected a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == CustomField.Kind.DATE:
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = str(value).strip()
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            try:
                return datetime.datetime.strptime(text, "%d.%m.%Y").date().isoformat()
            except ValueError:
                raise ValueError(_("Expected a date as YYYY-MM-DD or DD.MM.YYYY.")) from None
    if kind == CustomField.Kind.CHOICE:
        if str(value) not in [str(c) for c in field.choices]:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, field.choices))})
        return str(value)
    if kind == CustomField.Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "да", "on"}:
            return True
        if text in {"0", "false", "no", "нет", "off"}:
            return False
        raise ValueError(_("Expected yes or no."))
    if kind == CustomField.Kind.PHONE:
        phone = phone_normalize(str(value))
        if not phone.valid:
            raise ValueError(_("Not a valid phone number."))
        return phone.e164
    if kind == CustomField.Kind.EMAIL:
        email = email_normalize(str(value))
        if not email_is_valid(email):
            raise ValueError(_("Not a valid email address."))
        return email
    raise ValueError(_("Unknown field kind."))


def custom_values_clean(
    *, entity: str, values: dict, current: dict | None = None, pipeline: Pipeline | None = None
) -> dict:
    """Merge ``values`` into ``current`` after validation; a None or empty value removes the field.

    Every bad value is reported at once, as ``{"custom.<code>": [message]}``.
    """
    if not isinstance(values, dict):
        raise ValidationFailed(_("Custom fields must be an object."), fields={"custom": [_("Expected an object.")]})
    definitions = custom_fields_for(entity, pipeline)
    result = dict(current or {})
    errors: dict[str, list[str]] = {}
    for code, value in values.items():
        field = definitions.get(code)
        if field is None:
            errors[f"custom.{code}"] = [_("No such custom field.")]
            continue
        try:
            cleaned = _clean_value(field, value)
        except ValueError as exc:
            errors[f"custom.{code}"] = [str(exc)]
            continue
        if cleaned is None:
            result.pop(code, None)
        else:
            result[code] = cleaned
    if errors:
        raise ValidationFailed(_("Some custom fields are not valid."), fields=errors)
    return result
