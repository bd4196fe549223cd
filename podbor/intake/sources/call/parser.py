"""Zadarma call notification -> Lead of kind "call" (the shape is described in this package's docstring)."""

from django.utils.translation import gettext as _

from podbor.intake.sources.base import CallInfo, Lead, NothingToDo, PayloadError, require_object, text

_INCOMING = {"NOTIFY_START", "NOTIFY_ANSWER", "NOTIFY_END"}
_OUTGOING = {"NOTIFY_OUT_START", "NOTIFY_OUT_END"}
_NO_PERSON = {"NOTIFY_RECORD", "NOTIFY_INTERNAL", "NOTIFY_IVR"}


def _number(raw: str) -> str:
    """Zadarma writes numbers internationally without '+' ("79161234567"); a '+' keeps foreign numbers foreign."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if raw.startswith("+") or len(digits) < 11 or digits.startswith("8"):
        return raw
    return "+" + digits


def _status(event: str, disposition: str) -> str:
    if event in ("NOTIFY_START", "NOTIFY_OUT_START"):
        return "ringing"
    if event == "NOTIFY_ANSWER":
        return "answered"
    return "answered" if disposition == "answered" else "missed"


def _duration(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


class ZadarmaCallParser:
    def external_id(self, payload: dict) -> str | None:
        if not isinstance(payload, dict):
            return None
        call_id, event = text(payload.get("pbx_call_id")), text(payload.get("event")).upper()
        return f"{call_id}:{event}" if call_id and event else None

    def parse(self, payload: dict) -> Lead:
        require_object(payload, "a telephony notification")
        event = text(payload.get("event")).upper()
        call_id = text(payload.get("pbx_call_id"))
        if event in _NO_PERSON:
            raise NothingToDo(_("Telephony event %(event)s names no caller: nothing to take in.") % {"event": event})
        if event not in _INCOMING | _OUTGOING:
            raise PayloadError(f"not a Zadarma call notification: unknown event {event or '(none)'!r}")
        if not call_id:
            raise PayloadError("not a Zadarma call notification: 'pbx_call_id' is missing")
        outgoing = event in _OUTGOING
        person = text(payload.get("destination" if outgoing else "caller_id"))
        if not person:
            raise PayloadError(f"the {event} notification has no {'destination' if outgoing else 'caller_id'}")
        disposition = text(payload.get("disposition")).lower()
        call = CallInfo(
            call_id=call_id,
            direction="outgoing" if outgoing else "incoming",
            status=_status(event, disposition),
            duration=_duration(text(payload.get("duration"))),
            recording_id=text(payload.get("call_id_with_rec")) if text(payload.get("is_recorded")) == "1" else "",
        )
        extra = {
            "event": event,
            "call_start": text(payload.get("call_start")),
            "called_did": text(payload.get("called_did")),
            "internal": text(payload.get("internal")),
            "disposition": disposition,
            "status_code": text(payload.get("status_code")),
            "call_id_with_rec": call.recording_id,
        }
        summary = _("%(direction)s call, %(status)s") % {
            "direction": _("Incoming") if call.direction == "incoming" else _("Outgoing"),
            "status": {"ringing": _("ringing"), "answered": _("answered"), "missed": _("missed")}[call.status],
        }
        return Lead(
            kind="call",
            external_id=self.external_id(payload),
            phones=[_number(person)],
            comment=summary,
            call=call,
            extra={k: v for k, v in extra.items() if v},
        )
