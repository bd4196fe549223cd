"""What every source parser produces: a Lead, the vendor's payload parsed into our own types at the border."""

from dataclasses import dataclass, field
from typing import Any, Protocol


class PayloadError(ValueError):
    """The payload cannot be understood (the message says why, for the intake log)."""


class NothingToDo(PayloadError):
    """The payload is understood and carries no person to take in (a delivery receipt, a test ping): the event is
    kept and marked rejected with this message, not failed."""


@dataclass
class CallInfo:
    call_id: str = ""
    direction: str = "incoming"  # incoming | outgoing
    status: str = ""  # missed | answered | finished | ringing
    duration: int | None = None  # seconds
    recording_url: str = ""
    recording_id: str = ""  # the provider's id of the recording when it gives no link (fetched through its API)


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


def section(payload: dict, key: str, *, required: bool = False) -> dict:
    """``payload[key]`` as an object ({} when absent); PayloadError naming the key when it is something else."""
    value = payload.get(key)
    if value is None:
        if required:
            raise PayloadError(f"'{key}' is missing")
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"'{key}' must be an object")
    return value


def require_object(payload: Any, what: str) -> dict:
    if not isinstance(payload, dict):
        raise PayloadError(f"expected {what} as a JSON object")
    return payload
