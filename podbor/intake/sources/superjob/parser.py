"""SuperJob response/résumé -> Lead (the shape is described in this package's docstring)."""

from podbor.intake.sources.base import Lead, PayloadError, require_object, section, text, text_list


def _parts(payload: dict) -> tuple[dict, dict]:
    """(résumé, vacancy) from a response ``{"resume": {...}, "vacancy": {...}}`` or a bare résumé."""
    if "resume" in payload:
        return section(payload, "resume", required=True), section(payload, "vacancy")
    return payload, {}


class SuperJobParser:
    def external_id(self, payload: dict) -> str | None:
        if not isinstance(payload, dict):
            return None
        if "resume" in payload and text(payload.get("id")):
            return f"response:{text(payload.get('id'))}"
        try:
            resume, vacancy = _parts(payload)
        except PayloadError:
            return None
        resume_id = text(resume.get("id"))
        if not resume_id:
            return None
        vacancy_id = text(vacancy.get("id")) or text(payload.get("id_vacancy"))
        return f"resume:{resume_id}:vacancy:{vacancy_id}" if vacancy_id else f"resume:{resume_id}"

    def parse(self, payload: dict) -> Lead:
        require_object(payload, "a SuperJob response")
        resume, vacancy = _parts(payload)
        if not text(resume.get("id")) or not any(k in resume for k in ("firstname", "lastname", "name")):
            raise PayloadError("not a SuperJob résumé: 'id' and 'firstname'/'lastname' are missing")
        gender = section(resume, "gender")
        extra = {
            "superjob_resume_id": text(resume.get("id")),
            "superjob_resume_url": text(resume.get("link")),
            "profession": text(resume.get("profession")) or text(resume.get("last_profession")),
            "age": resume.get("age"),
            "birthyear": resume.get("birthyear"),
            "gender": text(gender.get("title")),
            "salary": {"amount": resume.get("payment"), "currency": text(resume.get("currency"))}
            if resume.get("payment") else None,
            "superjob_vacancy_id": text(vacancy.get("id")),
            "superjob_response_id": text(payload.get("id")) if resume is not payload else "",
        }
        first, last = text(resume.get("firstname")), text(resume.get("lastname"))
        return Lead(
            external_id=self.external_id(payload),
            first_name=first,
            last_name=last,
            middle_name=text(resume.get("middlename")),
            full_name="" if (first or last) else text(resume.get("name")),
            phones=text_list(resume.get("phone1")) + text_list(resume.get("phone2")),
            emails=text_list(resume.get("email")),
            city=text(section(resume, "town").get("title")),
            vacancy=text(vacancy.get("profession")) or text(vacancy.get("title")),
            comment=text(payload.get("comment")) if resume is not payload else "",
            extra={k: v for k, v in extra.items() if v not in ("", None)},
        )
