"""One spreadsheet row as the intake pipeline will see it: Podbor's generic JSON, the phones and emails it will match
on, what will be left out and why, and a stable hash of its normalised content (the event's external id)."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from podbor.intake.importing.columns import EMAIL, EXTRA, FIELDS, PHONE, SKIP
from podbor.lib.names import email_is_valid, email_normalize, name_fold
from podbor.lib.phones import phone_normalize

_PHONE_SPLIT = re.compile(r"[,;/\n]+")
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_SEPARATORS = {"comment": "\n", "vacancy": ", ", "city": ", ", "source": ", "}


@dataclass
class ImportRow:
    number: int
    payload: dict
    phones: list[str] = field(default_factory=list)  # E.164, what the pipeline matches on
    emails: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # values left out, the row still goes in
    reject: str = ""  # why the row cannot go in at all
    external_id: str = ""

    @property
    def label(self) -> str:
        p = self.payload
        return p.get("full_name") or " ".join(x for x in (p.get("last_name"), p.get("first_name"),
                                                           p.get("middle_name")) if x)


def row_read(number: int, headers: list[str], mapping: list[str], cells: list[str]) -> ImportRow:
    values: dict[str, list[str]] = {}
    extra: dict[str, str] = {}
    phones_given: list[str] = []
    emails_given: list[str] = []
    for header, name, cell in zip(headers, mapping, cells, strict=False):
        cell = (cell or "").strip()
        if not cell or name == SKIP:
            continue
        if name == PHONE:
            phones_given += [p.strip() for p in _PHONE_SPLIT.split(cell) if p.strip()]
        elif name == EMAIL:
            emails_given += [e for e in _EMAIL_SPLIT.split(cell) if e]
        elif name == EXTRA:
            key = header if header not in extra else f"{header} ({len(extra) + 1})"
            extra[key] = cell
        else:
            values.setdefault(name, []).append(cell)
    payload = {name: _SEPARATORS.get(name, " ").join(parts) for name, parts in values.items()}
    source = payload.pop("source", "")
    row = ImportRow(number=number, payload=payload)
    phones_kept = _phones(row, phones_given)
    emails_kept = _emails(row, emails_given)
    if not phones_given and not emails_given:
        row.reject = _("No phone and no email.")
    elif not row.phones and not row.emails:
        row.reject = _("No valid phone or email: %(why)s") % {"why": " ".join(row.warnings)}
        row.warnings = []
    row.external_id = "row:" + _content_hash(payload, row, phones_given, emails_given, source, extra)
    notes = ([f"{FIELDS['source']}: {source}"] if source else []) + [f"{k}: {v}" for k, v in extra.items()]
    if notes:
        payload["comment"] = "\n".join(p for p in (payload.get("comment", ""), *notes) if p)
    if source:
        extra = {"source": source, **extra}
    payload |= {"phones": phones_kept, "emails": emails_kept, "extra": extra, "external_id": row.external_id}
    return row


def _phones(row: ImportRow, given: list[str]) -> list[str]:
    kept = []
    for raw in given:
        phone = phone_normalize(raw)
        if not phone.e164:
            row.warnings.append(_("Phone “%(value)s” is not a phone number.") % {"value": raw})
            continue
        if not phone.valid:
            row.warnings.append(_("Phone “%(value)s” looks wrong; it is kept as entered.") % {"value": raw})
        if phone.e164 not in row.phones:
            row.phones.append(phone.e164)
            kept.append(raw)
    return kept


def _emails(row: ImportRow, given: list[str]) -> list[str]:
    kept = []
    for raw in given:
        email = email_normalize(raw)
        if not email_is_valid(email):
            row.warnings.append(_("Email “%(value)s” is not valid.") % {"value": raw})
            continue
        if email not in row.emails:
            row.emails.append(email)
            kept.append(raw)
    return kept


def _content_hash(payload: dict, row: ImportRow, phones: list[str], emails: list[str], source: str,
                  extra: dict) -> str:
    """The same person and data typed differently ("8 (999)…" or "+7 999…", case, spaces, ё) hash the same."""
    canonical = {
        "fields": {name: name_fold(value) for name, value in sorted(payload.items())},
        "phones": sorted({phone_normalize(p).e164 or name_fold(p) for p in phones}),
        "emails": sorted({email_normalize(e) for e in emails}),
        "source": name_fold(source),
        "extra": {name_fold(k): name_fold(v) for k, v in sorted(extra.items())},
    }
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
