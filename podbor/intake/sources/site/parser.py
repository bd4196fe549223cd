"""Site form -> Lead (the accepted field names are described in this package's docstring)."""

import json

from podbor.intake.sources.base import Lead, PayloadError, require_object, text, text_list

_NAMES = {
    "full_name": ("name", "fio", "full_name", "fullname", "фио", "имя", "your-name"),
    "first_name": ("first_name", "firstname"),
    "last_name": ("last_name", "lastname", "surname", "фамилия"),
    "middle_name": ("middle_name", "middlename", "patronymic", "отчество"),
    "phone": ("phone", "phones", "tel", "telephone", "phone_number", "mobile", "телефон", "your-phone"),
    "email": ("email", "emails", "e-mail", "mail", "почта", "your-email"),
    "city": ("city", "город", "town"),
    "vacancy": ("vacancy", "position", "job", "вакансия", "должность"),
    "comment": ("comment", "message", "text", "комментарий", "сообщение", "your-message"),
}
_SUBMISSION_IDS = ("request_id", "submission_id", "tranid")
_FORM_IDS = ("form_id", "formid")
_WRAPPERS = ("payload", "data", "json")


def _fields(payload: dict) -> dict:
    """Keys in lower case; a JSON object wrapped in one form field is unwrapped."""
    fields = {str(k).strip().lower(): v for k, v in payload.items()}
    for key in _WRAPPERS:
        wrapped = fields.get(key)
        if isinstance(wrapped, str) and wrapped.lstrip().startswith("{"):
            try:
                inner = json.loads(wrapped)
            except json.JSONDecodeError as exc:
                raise PayloadError(f"the '{key}' field is not valid JSON: {exc}") from None
            if isinstance(inner, dict):
                fields = {**{k: v for k, v in fields.items() if k != key}, **_fields(inner)}
    return fields


def _first(fields: dict, role: str) -> str:
    for key in _NAMES[role]:
        if text(fields.get(key)):
            return text(fields[key])
    return ""


def _all(fields: dict, role: str) -> list[str]:
    return [value for key in _NAMES[role] for value in text_list(fields.get(key))]


class SiteParser:
    def external_id(self, payload: dict) -> str | None:
        if not isinstance(payload, dict):
            return None
        try:
            fields = _fields(payload)
        except PayloadError:
            return None
        submission = next((text(fields[k]) for k in _SUBMISSION_IDS if text(fields.get(k))), "")
        if not submission:
            return None
        form = next((text(fields[k]) for k in _FORM_IDS if text(fields.get(k))), "")
        return f"{form}:{submission}" if form else submission

    def parse(self, payload: dict) -> Lead:
        fields = _fields(require_object(payload, "a form"))
        known = {key for keys in _NAMES.values() for key in keys} | set(_WRAPPERS)
        extra = {k: v for k, v in fields.items() if k not in known and v not in ("", None)}
        lead = Lead(
            external_id=self.external_id(payload),
            full_name=_first(fields, "full_name"),
            first_name=_first(fields, "first_name"),
            last_name=_first(fields, "last_name"),
            middle_name=_first(fields, "middle_name"),
            phones=_all(fields, "phone"),
            emails=_all(fields, "email"),
            city=_first(fields, "city"),
            vacancy=_first(fields, "vacancy"),
            comment=_first(fields, "comment"),
            extra=extra,
        )
        if not (lead.phones or lead.emails or lead.full_name or lead.first_name or lead.last_name):
            raise PayloadError("no form field was recognised (expected e.g. name, phone, email); got: "
                               + ", ".join(sorted(fields)[:20]))
        return lead
