"""Names and emails as people type them."""

import re

_SPACES = re.compile(r"\s+")


def name_clean(value: str | None) -> str:
    """Trim, fold inner spaces and capitalise each part: '  иванов-петров ' -> 'Иванов-Петров'."""
    text = _SPACES.sub(" ", (value or "").strip())
    return " ".join(
        "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")) for word in text.split(" ")
    )


def name_fold(value: str | None) -> str:
    """The form names are compared in: lower case, ё folded to е."""
    return _SPACES.sub(" ", (value or "").strip()).lower().replace("ё", "е")


def full_name_split(full_name: str) -> tuple[str, str, str]:
    """'Иванов Иван Иванович' -> (last, first, middle). Russian order: surname first."""
    parts = [name_clean(p) for p in _SPACES.split((full_name or "").strip()) if p]
    if not parts:
        return "", "", ""
    if len(parts) == 1:
        return "", parts[0], ""
    if len(parts) == 2:
        return parts[0], parts[1], ""
    return parts[0], parts[1], " ".join(parts[2:])


def email_normalize(value: str | None) -> str:
    return (value or "").strip().lower()


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_is_valid(value: str) -> bool:
    return bool(_EMAIL.match(value))
