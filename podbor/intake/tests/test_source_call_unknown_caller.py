from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "call" / "fixtures"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def call_source(pipeline):
    source, token = source_create(name="Телефония", kind="call", pipeline=pipeline)
    source.test_token = token
    return source


def test_an_unknown_caller_becomes_a_lead_as_the_call_starts(deliver, call_source, pipeline):
    answer = deliver(call_source, None, raw=(FIXTURES / "notify_start.txt").read_bytes(), content_type=FORM)
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "processed"
    assert event.external_id == "in_8fd2a3b1c4e5d6f7a8b9c0d1e2f3a4b5c6d7e8f9:NOTIFY_START"
    assert (event.contact_created, event.deal_created) == (True, True)
    contact = Contact.objects.get(pk=event.contact_id)
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79035550011"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.stage == pipeline.first_open_stage()
    extra = deal.timeline.get(data__source=call_source.slug).data["extra"]
    assert (extra["event"], extra["called_did"]) == ("NOTIFY_START", "74951234567")
