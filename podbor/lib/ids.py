"""Row ids that arrive as text: a query string, a form field, a parameter written in a diagram."""

# A bigger number cannot be a row id, and SQLite raises OverflowError on it instead of finding nothing.
MAX_ID = 2**63 - 1


def id_from_text(value) -> int | None:
    """``"42"`` (or 42) as 42; anything else — ``"²"``, ``"4.2"``, ``"-1"``, thirty digits — as None, so that it never
    reaches a query (``str.isdigit`` lets "²" through to ``int()``, which raises)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= MAX_ID and number >= 1 else None
