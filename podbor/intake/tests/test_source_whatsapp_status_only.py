import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "whatsapp" / "fixtures" / "status.json"


@pytest.fixture
def whatsapp_source(pipeline):
    source, token = source_create(name="WhatsApp", kind="whatsapp", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_delivery_receipt_is_accepted_kept_and_marked_rejected_with_the_reason(deliver, whatsapp_source):
    answer = deliver(whatsapp_source, json.loads(FIXTURE.read_text()))
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "rejected"
    assert "status only" in event.reason or "статус" in event.reason.lower()
    assert event.body  # kept as delivered
    assert Contact.objects.count() == 0
