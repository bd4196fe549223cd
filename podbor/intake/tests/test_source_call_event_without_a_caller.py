from pathlib import Path

import pytest

from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "call" / "fixtures"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def call_source(pipeline):
    source, token = source_create(name="Телефония", kind="call", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_recording_notification_names_no_caller_and_is_rejected_not_failed(deliver, call_source):
    answer = deliver(call_source, None, raw=(FIXTURES / "notify_record.txt").read_bytes(), content_type=FORM)
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (answer.status_code, event.status) == (202, "rejected")
    assert "NOTIFY_RECORD" in event.reason
