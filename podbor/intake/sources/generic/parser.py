"""Podbor's own documented JSON:

{"external_id", "full_name" | "first_name"/"last_name"/"middle_name", "phones": [...], "emails": [...],
 "city", "vacancy", "comment", "extra": {...}}  ("phone"/"email" as single strings are accepted too)
"""

from podbor.intake.sources.base import Lead, PayloadError, text, text_list

_KNOWN = {"external_id", "full_name", "first_name", "last_name", "middle_name", "phones", "phone", "emails", "email",
          "city", "vacancy", "comment", "extra"}


class GenericParser:
    def external_id(self, payload: dict) -> str | None:
        return text(payload.get("external_id")) or None

    def parse(self, payload: dict) -> Lead:
        if not isinstance(payload, dict):
            raise PayloadError("expected a JSON object")
        extra = payload.get("extra") or {}
        if not isinstance(extra, dict):
            raise PayloadError("'extra' must be an object")
        # Unknown top-level keys are kept too: nothing the sender gave is lost.
        extra = {**{k: v for k, v in payload.items() if k not in _KNOWN}, **extra}
        return Lead(
            external_id=self.external_id(payload),
            full_name=text(payload.get("full_name")),
            first_name=text(payload.get("first_name")),
            last_name=text(payload.get("last_name")),
            middle_name=text(payload.get("middle_name")),
            phones=text_list(payload.get("phones")) + text_list(payload.get("phone")),
            emails=text_list(payload.get("emails")) + text_list(payload.get("email")),
            city=text(payload.get("city")),
            vacancy=text(payload.get("vacancy")),
            comment=text(payload.get("comment")),
            extra=extra,
        )
