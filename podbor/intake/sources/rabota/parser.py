"""Rabota.ru response -> Lead (the designed shape is described in this package's docstring)."""

from podbor.intake.sources.base import Lead, PayloadError, require_object, section, text, text_list


def _unwrap(payload: dict) -> dict:
    return section(payload, "response", required=True) if "response" in payload else payload


class RabotaParser:
    def external_id(self, payload: dict) -> str | None:
        if not isinstance(payload, dict):
            return None
        try:
            response_id = text(_unwrap(payload).get("id"))
        except PayloadError:
            return None
        return f"response:{response_id}" if response_id else None

    def parse(self, payload: dict) -> Lead:
        response = _unwrap(require_object(payload, "a Rabota.ru response"))
        if not text(response.get("id")) or not isinstance(response.get("resume"), dict):
            raise PayloadError("not a Rabota.ru response: 'id' and the 'resume' object are required")
        resume, vacancy = section(response, "resume"), section(response, "vacancy")
        contacts = section(resume, "contacts")
        phones = []
        for phone in contacts.get("phones") or []:
            # A phone may come as a string or as {"number": ...}.
            phones += text_list(phone.get("number") if isinstance(phone, dict) else phone)
        salary = section(resume, "salary")
        extra = {
            "rabota_response_id": text(response.get("id")),
            "rabota_resume_id": text(resume.get("id")),
            "rabota_resume_url": text(resume.get("url")),
            "position": text(resume.get("position")),
            "birth_date": text(resume.get("birth_date")),
            "gender": text(resume.get("gender")),
            "salary": {"amount": salary.get("amount"), "currency": text(salary.get("currency"))} if salary else None,
            "rabota_vacancy_id": text(vacancy.get("id")),
            "responded_at": text(response.get("created_at")),
        }
        return Lead(
            external_id=self.external_id(payload),
            first_name=text(resume.get("name")),
            last_name=text(resume.get("surname")),
            middle_name=text(resume.get("patronymic")),
            phones=phones,
            emails=text_list(contacts.get("email")),
            city=text(section(resume, "region").get("name")),
            vacancy=text(vacancy.get("title")),
            comment=text(response.get("cover_letter")),
            extra={k: v for k, v in extra.items() if v not in ("", None)},
        )
