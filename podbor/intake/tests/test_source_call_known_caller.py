from pathlib import Path

import pytest

from podbor.crm.models import Deal, TimelineEntry
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "call" / "fixtures"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def call_source(pipeline):
    source, token = source_create(name="Телефония", kind="call", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_known_caller_gets_the_answered_call_with_its_recording_on_the_timeline(deliver, generic_source, call_source):
    deliver(generic_source, {"full_name": "Орлова Нина", "phones": ["+7 903 555-00-11"]})
    answer = deliver(call_source, None, raw=(FIXTURES / "notify_end_answered.txt").read_bytes(), content_type=FORM)
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.matched_by, event.deal_created) == ("processed", "phone", False)
    assert event.external_id == "in_0a1b2c3d4e5f60718293a4b5c6d7e8f901234567:NOTIFY_END"
    assert Deal.objects.count() == 1
    call = TimelineEntry.objects.get(kind=TimelineEntry.Kind.CALL)
    assert (call.contact_id, call.deal_id) == (event.contact_id, Deal.objects.get().pk)
    assert call.data["call_id"] == "in_0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
    assert (call.data["direction"], call.data["status"], call.data["duration"]) == ("incoming", "answered", 143)
    assert call.data["recording_id"] == "1772440937.1234567"


def test_the_start_and_the_end_of_one_call_are_two_events_one_lead(deliver, call_source):
    start = deliver(call_source, None, raw=(FIXTURES / "notify_start.txt").read_bytes(), content_type=FORM)
    end = deliver(call_source, None, raw=(FIXTURES / "notify_end_missed.txt").read_bytes(), content_type=FORM)
    assert (start.status_code, end.status_code) == (202, 202)
    assert Deal.objects.count() == 1
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.CALL).count() == 1
