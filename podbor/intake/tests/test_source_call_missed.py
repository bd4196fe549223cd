from pathlib import Path

import pytest

from podbor.crm.models import TimelineEntry
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "call" / "fixtures"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def call_source(pipeline):
    source, token = source_create(name="Телефония", kind="call", pipeline=pipeline)
    source.test_token = token
    return source


def test_an_unanswered_incoming_call_is_recorded_as_missed(deliver, generic_source, call_source):
    deliver(generic_source, {"full_name": "Орлова Нина", "phones": ["89035550011"]})
    deliver(call_source, None, raw=(FIXTURES / "notify_end_missed.txt").read_bytes(), content_type=FORM)
    call = TimelineEntry.objects.get(kind=TimelineEntry.Kind.CALL)
    assert (call.data["direction"], call.data["status"], call.data["recording_id"]) == ("incoming", "missed", "")
    assert "missed" in call.text or "пропущ" in call.text


def test_an_outgoing_call_the_candidate_did_not_pick_up_is_missed_too(deliver, generic_source, call_source):
    deliver(generic_source, {"full_name": "Орлова Нина", "phones": ["89035550011"]})
    deliver(call_source, None, raw=(FIXTURES / "notify_out_end.txt").read_bytes(), content_type=FORM)
    call = TimelineEntry.objects.get(kind=TimelineEntry.Kind.CALL)
    assert (call.data["direction"], call.data["status"]) == ("outgoing", "missed")


def test_a_missed_call_from_an_unknown_number_becomes_a_lead_saying_so(deliver, call_source):
    answer = deliver(call_source, None, raw=(FIXTURES / "notify_end_missed.txt").read_bytes(), content_type=FORM)
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.deal_created) == ("processed", True)
    entry = TimelineEntry.objects.get(deal_id=event.deal_id, data__source=call_source.slug)
    assert entry.data["extra"]["disposition"] == "no answer"
    assert "missed" in entry.text or "пропущ" in entry.text

