"""WhatsApp Cloud API messages webhook -> Lead (the shape is described in this package's docstring)."""

from django.utils.translation import gettext as _

from podbor.intake.sources.base import Lead, NothingToDo, PayloadError, require_object, section, text


def _values(payload: dict) -> list[dict]:
    if payload.get("object") != "whatsapp_business_account":
        raise PayloadError("not a WhatsApp Business webhook: 'object' must be \"whatsapp_business_account\"")
    entries = payload.get("entry")
    if not isinstance(entries, list):
        raise PayloadError("'entry' must be a list")
    values = []
    for entry in entries:
        for change in (entry.get("changes") if isinstance(entry, dict) else None) or []:
            if isinstance(change, dict) and isinstance(change.get("value"), dict):
                values.append(change["value"])
    return values


def _messages(values: list[dict]) -> list[dict]:
    return [m for v in values for m in v.get("messages") or [] if isinstance(m, dict) and text(m.get("from"))]


def _message_text(message: dict) -> str:
    kind = text(message.get("type"))
    body = section(message, kind) if isinstance(message.get(kind), dict) else {}
    if kind == "text":
        return text(body.get("body"))
    if kind in ("image", "video", "document", "audio", "sticker"):
        caption = text(body.get("caption")) or text(body.get("filename"))
        return f"[{kind}] {caption}".strip()
    if kind == "button":
        return text(body.get("text"))
    if kind == "interactive":
        reply = section(body, "button_reply") or section(body, "list_reply")
        return text(reply.get("title"))
    if kind == "location":
        place = " ".join(p for p in (text(body.get("name")), text(body.get("address"))) if p)
        return f"[location] {place} {text(body.get('latitude'))},{text(body.get('longitude'))}".strip()
    if kind == "reaction":
        return text(body.get("emoji"))
    return f"[{kind or 'unknown'}]"


class WhatsAppParser:
    def external_id(self, payload: dict) -> str | None:
        try:
            values = _values(payload)
        except (PayloadError, AttributeError):
            return None
        messages = _messages(values)
        if messages:
            return text(messages[0].get("id")) or None
        statuses = [s for v in values for s in v.get("statuses") or [] if isinstance(s, dict)]
        if statuses:  # the same receipt retried is a repeat; a new status of the same message is not
            return "status:" + ",".join(f"{text(s.get('id'))}:{text(s.get('status'))}" for s in statuses)
        return None

    def parse(self, payload: dict) -> Lead:
        values = _values(require_object(payload, "a WhatsApp webhook"))
        messages = _messages(values)
        if not messages:
            if any(v.get("statuses") for v in values):
                raise NothingToDo(_("WhatsApp delivery status only (sent/delivered/read): no incoming message."))
            raise NothingToDo(_("WhatsApp webhook without an incoming message: nothing to take in."))
        sender = text(messages[0].get("from"))
        own = [m for m in messages if text(m.get("from")) == sender]
        profile = next((text(section(c, "profile").get("name")) for v in values for c in v.get("contacts") or []
                        if isinstance(c, dict) and text(c.get("wa_id")) == sender), "")
        first, _space, last = profile.partition(" ")  # profile names are written "First Last"
        body = "\n".join(t for t in (_message_text(m) for m in own) if t)
        metadata = section(values[0], "metadata")
        extra = {
            "wa_id": sender,
            "whatsapp_message_ids": [text(m.get("id")) for m in own],
            "whatsapp_timestamp": text(own[0].get("timestamp")),
            "whatsapp_profile_name": profile,
            "business_phone_number_id": text(metadata.get("phone_number_id")),
            "business_display_phone_number": text(metadata.get("display_phone_number")),
            "other_senders": sorted({text(m.get("from")) for m in messages} - {sender}),
        }
        return Lead(
            kind="message",
            external_id=self.external_id(payload),
            first_name=first.strip(),
            last_name=last.strip(),
            phones=["+" + sender.lstrip("+")],  # wa_id is the number in international format without '+'
            message_text=body,
            comment=body,
            extra={k: v for k, v in extra.items() if v not in ("", None, [])},
        )
