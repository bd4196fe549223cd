"""The shape of one timeline entry, shared by the deal and contact timelines and by notes."""

import datetime
from typing import Any

from ninja import Schema

from podbor.crm.models import TimelineEntry


class TimelineEntryOut(Schema):
    id: int
    kind: str
    text: str
    author: int | None
    author_name: str | None
    deal: int | None
    contact: int | None
    data: dict[str, Any]
    created_at: datetime.datetime


def timeline_entry_out(entry: TimelineEntry) -> dict:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "text": entry.text,
        "author": entry.author_id,
        "author_name": str(entry.author) if entry.author_id else None,
        "deal": entry.deal_id,
        "contact": entry.contact_id,
        "data": entry.data,
        "created_at": entry.created_at,
    }
