"""The engine's notion of "now", and ISO 8601 timer texts.

SpiffWorkflow reads the wall clock inside its timer classes. Podbor's own timer classes (see `specs.py`) ask
`now()` instead, which returns the time the host set with `clock_at()` for the current context, or the wall
clock. A `ContextVar` is per thread and per asyncio task, so two workers advancing two instances at two
different "nows" do not see each other's clock, and nothing in SpiffWorkflow is patched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

_NOW: ContextVar[datetime | None] = ContextVar("podbor_engine_now", default=None)


def now() -> datetime:
    """The current time for the engine: the host's `clock_at()` value if one is set, else the wall clock (UTC)."""
    fixed = _NOW.get()
    return fixed if fixed is not None else datetime.now(UTC)


@contextmanager
def clock_at(when: datetime | None) -> Iterator[None]:
    """Run the engine as if it were `when` (timezone-aware); `None` keeps the wall clock."""
    if when is None:
        yield
        return
    if when.tzinfo is None:
        raise ValueError("the engine clock needs a timezone-aware datetime")
    token = _NOW.set(when.astimezone(UTC))
    try:
        yield
    finally:
        _NOW.reset(token)


def is_fixed() -> bool:
    """Whether the host set the clock for this context."""
    return _NOW.get() is not None


DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?$")
CYCLE_RE = re.compile(r"^R\d*/")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def parse_duration(text: str) -> dict:
    """Check an ISO 8601 duration such as `PT90S` or `P2D`; return SpiffWorkflow's parsed form.

    Raises ValueError when the text is not a duration SpiffWorkflow can compute.
    """
    if not DURATION_RE.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 duration (for example PT90S, PT20M, P2D)")
    try:
        return TimerEventDefinition.parse_iso_duration(text)
    except Exception as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 duration ({exc})") from exc


def iso_duration(text: str, start: datetime | None = None) -> timedelta:
    """An ISO 8601 duration as a timedelta counted from `start` (default: `now()`; months vary in length).

    Raises ValueError for anything else.
    """
    start = start or now()
    return TimerEventDefinition.get_timedelta_from_start(parse_duration(text.strip().upper()), start)


def check_cycle(text: str) -> None:
    """Check an ISO 8601 repeating interval such as `R/PT20M` or `R3/2026-01-01T09:00:00+03:00/P1D`."""
    if not CYCLE_RE.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 cycle (for example R/PT20M or R3/P1D)")
    parts = text.replace("--", "/").split("/")
    if not 2 <= len(parts) <= 3:
        raise ValueError(f"{text!r} is not an ISO 8601 cycle (for example R/PT20M or R3/P1D)")
    for part in parts[1:]:
        if part.startswith("P"):
            parse_duration(part)
        else:
            check_date(part)
    try:
        TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 cycle ({exc})") from exc


def check_date(text: str) -> datetime:
    """Check an ISO 8601 date-time with an offset (`2026-03-01T09:00:00+03:00` or `…Z`).

    A time without an offset would be read in the worker's local zone, so it is refused.
    """
    if not DATE_RE.match(text):
        raise ValueError(f"{text!r} is not an ISO 8601 date-time (for example 2026-03-01T09:00:00+03:00)")
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an ISO 8601 date-time ({exc})") from exc
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset: add Z or +03:00")
    return value
