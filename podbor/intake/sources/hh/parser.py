"""hh.ru negotiation + résumé -> Lead (the shape is described in this package's docstring)."""

from podbor.intake.sources.base import Lead, PayloadError, require_object, section, text

_PHONE_TYPES = {"cell", "home", "work"}


def _phone(value) -> str:
    if isinstance(value, dict):
        formatted = text(value.get("formatted"))
        if formatted:
            return formatted
        parts = [text(value.get(k)) for k in ("country", "city", "number")]
        return "+" + "".join(parts) if all(parts) else ""
    return text(value)  # older résumés and some exports give the number as a string


def _contacts(resume: dict) -> tuple[list[str], list[str]]:
    items = resume.get("contact", resume.get("contacts")) or []
    if not isinstance(items, list):
        raise PayloadError("'resume.contact' must be a list")
    # The applicant's preferred way comes first: it becomes the contact's main phone or email.
    items = sorted((c for c in items if isinstance(c, dict)), key=lambda c: not c.get("preferred"))
    phones, emails = [], []
    for item in items:
        kind = text(section(item, "type").get("id"))
        if kind in _PHONE_TYPES:
            phone = _phone(item.get("value"))
            if phone:
                phones.append(phone)
        elif kind == "email" and text(item.get("value")):
            emails.append(text(item.get("value")))
    return phones, emails


class HhParser:
    def external_id(self, payload: dict) -> str | None:
        nid = text(payload.get("id")) if isinstance(payload, dict) else ""
        return f"negotiation:{nid}" if nid else None

    def parse(self, payload: dict) -> Lead:
        require_object(payload, "an hh.ru negotiation")
        if payload.get("action_type") and "resume" not in payload:
            raise PayloadError("an hh.ru webhook notification carries no résumé: the connector must fetch the "
                               "negotiation and its résumé first")
        if not text(payload.get("id")):
            raise PayloadError("not an hh.ru negotiation: 'id' is missing")
        resume = payload.get("resume")
        if resume is None:
            raise PayloadError("the negotiation has no résumé (the applicant deleted or hid it)")
        resume = section(payload, "resume")
        vacancy = section(payload, "vacancy")
        phones, emails = _contacts(resume)
        salary = section(resume, "salary")
        extra = {
            "hh_negotiation_id": text(payload.get("id")),
            "hh_resume_id": text(resume.get("id")),
            "hh_resume_url": text(resume.get("alternate_url")),
            "resume_title": text(resume.get("title")),
            "age": resume.get("age"),
            "birth_date": text(resume.get("birth_date")),
            "gender": text(section(resume, "gender").get("id")),
            "salary": {"amount": salary.get("amount"), "currency": text(salary.get("currency"))} if salary else None,
            "hh_vacancy_id": text(vacancy.get("id")),
            "hh_vacancy_url": text(vacancy.get("alternate_url")),
            "hh_state": text(section(payload, "state").get("id")),
            "hh_source": text(payload.get("source")),
            "responded_at": text(payload.get("created_at")),
        }
        return Lead(
            external_id=self.external_id(payload),
            first_name=text(resume.get("first_name")),
            last_name=text(resume.get("last_name")),
            middle_name=text(resume.get("middle_name")),
            phones=phones,
            emails=emails,
            city=text(section(resume, "area").get("name")),
            vacancy=text(vacancy.get("name")),
            extra={k: v for k, v in extra.items() if v not in ("", None)},
        )
