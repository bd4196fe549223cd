"""SQLite compares case only for ASCII letters, so `icontains` would miss 'кассир' in 'Кассир'.

Django compiles `icontains`/`istartswith`/… on SQLite to ``LIKE … ESCAPE '\\'``; replacing SQLite's LIKE with a
Unicode-aware one fixes search in the embedded database. PostgreSQL needs nothing: its UPPER() knows Cyrillic.
"""

import re
from functools import lru_cache


@lru_cache(maxsize=256)
def _compile(pattern: str, escape: str) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == escape and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "%" else "." if ch == "_" else re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def _like(pattern, value, escape="\\"):
    if pattern is None or value is None:
        return None
    return _compile(str(pattern), escape).fullmatch(str(value)) is not None


def install(connection) -> None:
    """Register the Unicode-aware LIKE on a new SQLite connection."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("like", 2, lambda p, v: _like(p, v), deterministic=True)
    raw.create_function("like", 3, _like, deterministic=True)
