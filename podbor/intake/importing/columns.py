"""Which column holds what: guessed from Russian and English headers, then corrected by the user.

A mapping is one field name per column. Phones and emails may come from several columns; a column the user does
not name is kept as an extra value under its header (it goes to the deal's history), or skipped.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from podbor.lib.errors import ValidationFailed

PHONE, EMAIL, EXTRA, SKIP = "phone", "email", "extra", "skip"

# Field name -> label, in the order the mapping select shows them.
FIELDS = {
    "full_name": gettext_lazy("Full name"),
    "last_name": gettext_lazy("Last name"),
    "first_name": gettext_lazy("First name"),
    "middle_name": gettext_lazy("Middle name"),
    PHONE: gettext_lazy("Phone"),
    EMAIL: gettext_lazy("Email"),
    "city": gettext_lazy("City"),
    "vacancy": gettext_lazy("Vacancy"),
    "comment": gettext_lazy("Comment"),
    "source": gettext_lazy("Source (kept in the history)"),
    EXTRA: gettext_lazy("Other: keep in the history"),
    SKIP: gettext_lazy("Skip this column"),
}
MULTI = {PHONE, EMAIL, EXTRA, SKIP}

# Headers as people write them, folded (see _fold), exactly.
_EXACT = {
    "full_name": {"фио", "ф и о", "full name", "fullname", "name", "имя фамилия", "фамилия имя", "фамилия имя отчество",
                  "полное имя", "кандидат", "соискатель", "контактное лицо", "контакт", "candidate", "contact",
                  "contact name", "person"},
    "last_name": {"фамилия", "last name", "lastname", "surname", "family name"},
    "first_name": {"имя", "first name", "firstname", "given name"},
    "middle_name": {"отчество", "middle name", "middlename", "patronymic", "second name"},
    EMAIL: {"email", "e mail", "mail", "почта", "эл почта", "электронная почта", "e mail address", "email address"},
    "city": {"город", "city", "town", "населенный пункт", "город проживания", "место жительства", "location"},
    "vacancy": {"вакансия", "должность", "позиция", "vacancy", "position", "job", "job title", "title"},
    "comment": {"комментарий", "комментарии", "примечание", "примечания", "заметка", "заметки", "comment",
                "comments", "note", "notes", "описание"},
    "source": {"источник", "source", "канал", "откуда", "channel", "utm source"},
}
# Then words a header contains: "Моб. телефон", "Телефон (доп.)", "Work phone", "E-mail кандидата".
_CONTAINS = [
    (PHONE, re.compile(r"телефон|\bтел\b|phone|mobile|\bмоб|сотов|whatsapp|ватсап")),
    (EMAIL, re.compile(r"e ?mail|почт")),
    ("middle_name", re.compile(r"отчеств|patronym")),
    ("last_name", re.compile(r"фамили|surname|last name")),
    ("first_name", re.compile(r"^имя\b|first name")),
    ("full_name", re.compile(r"\bфио\b|full name")),
    ("city", re.compile(r"город|\bcity\b")),
    ("vacancy", re.compile(r"ваканси|должност|vacanc|position")),
    ("comment", re.compile(r"коммент|примечан|comment")),
    ("source", re.compile(r"источник")),
]


def _fold(header: str) -> str:
    text = (header or "").lower().replace("ё", "е")
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def column_guess(header: str) -> str:
    folded = _fold(header)
    if not folded:
        return EXTRA
    for name, words in _EXACT.items():
        if folded in words:
            return name
    for name, pattern in _CONTAINS:
        if pattern.search(folded):
            return name
    return EXTRA


def header_score(cells: list[str]) -> int:
    """How many cells of a row read as known headers: finds the header under a title line."""
    return sum(1 for cell in cells if cell and column_guess(cell) != EXTRA)


def mapping_guess(headers: list[str]) -> list[str]:
    """One field per column; a single-valued field taken twice keeps its first column, the others go to extra."""
    mapping, taken = [], set()
    for header in headers:
        field = column_guess(header)
        if field not in MULTI and field in taken:
            field = EXTRA
        taken.add(field)
        mapping.append(field)
    return mapping


def mapping_overrides_parse(items: list[str]) -> dict[str, str]:
    """``["Моб. тел=phone", "Откуда=skip"]`` -> {header: field}; the header is what stands before the last '='."""
    overrides, errors = {}, {}
    for item in items:
        header, sep, field = (item or "").rpartition("=")
        if not sep or not header.strip():
            errors[item] = [_("Write it as Header=field.")]
            continue
        overrides[header.strip()] = field.strip()
    if errors:
        raise ValidationFailed(_("The mapping cannot be read."), fields={f"mapping.{k}": v for k, v in errors.items()})
    return overrides


def mapping_apply(headers: list[str], mapping: list[str], overrides: dict[str, str]) -> list[str]:
    """The guessed mapping with the user's corrections, matched on the header text (case and spaces ignored)."""
    by_header = {_fold(h): f for h, f in overrides.items()}
    errors: dict[str, list[str]] = {}
    known = {_fold(h) for h in headers}
    for header, field in overrides.items():
        if _fold(header) not in known:
            errors[f"mapping.{header}"] = [_("There is no such column. Columns: %(columns)s.")
                                           % {"columns": ", ".join(headers)}]
        elif field not in FIELDS:
            errors[f"mapping.{header}"] = [_("Unknown field “%(field)s”. Choose one of: %(fields)s.")
                                           % {"field": field, "fields": ", ".join(FIELDS)}]
    if errors:
        raise ValidationFailed(_("The mapping has errors."), fields=errors)
    return [by_header.get(_fold(h), f) for h, f in zip(headers, mapping, strict=True)]


def mapping_check(headers: list[str], mapping: list[str]) -> None:
    """A mapping the import can work with: known fields, and a phone or an email column."""
    errors: dict[str, list[str]] = {}
    if len(mapping) != len(headers):
        raise ValidationFailed(_("The mapping must name one field per column."),
                               fields={"mapping": [_("Expected %(n)s fields.") % {"n": len(headers)}]})
    for index, field in enumerate(mapping):
        if field not in FIELDS:
            errors[f"mapping.{index}"] = [_("Unknown field “%(field)s”.") % {"field": field}]
    if not errors and PHONE not in mapping and EMAIL not in mapping:
        errors["mapping"] = [_("No column holds a phone or an email, so nobody could be reached. "
                               "Columns: %(columns)s.") % {"columns": ", ".join(headers)}]
    if errors:
        raise ValidationFailed(_("The mapping has errors."), fields=errors)
