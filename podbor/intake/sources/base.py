"""What every source parser produces: a Lead, the vendor's payload parsed into our own types at the border."""

from dataclasses import dataclass, field
from typing import Any, Protocol


class PayloadError(ValueError):
    """The payload cannot be understood (the message says why, for the intake log)."""


@dataclass
class CallInfo:
    call_id: str = ""
    direction: str = "incoming"  # incoming | outgoing
    status: str = ""  # missed | answered | finished | ringing
    duration: int | None = None  # seconds
    recording_url: str = ""


@dataclass
class Lead:
    """A person reaching out, as a source saw them. ``kind``: a response (lead), an inbound message, or a call."""

    kind: str = "lead"  # lead | message | call
    external_id: str | None = None
    first_name: str = ""
    last_name: str = ""
    middle_name: str = ""
    full_name: str = ""
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    city: str = ""
    vacancy: str = ""
    comment: str = ""
    message_text: str = ""
    call: CallInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SourceParser(Protocol):
    def external_id(self, payload: dict) -> str | None:
        """The vendor's id of this delivery, used to refuse repeats; None when it has none."""

    def parse(self, payload: dict) -> Lead:
        """Raise PayloadError when the payload is not of the expected shape."""


def text(value: Any) -> str:
    """A scalar from a vendor payload as clean text ('' for None and containers)."""
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def text_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [text(value)] if text(value) else []
    if isinstance(value, list):
        return [text(v) for v in value if text(v)]
    raise PayloadError("expected a list of strings")
