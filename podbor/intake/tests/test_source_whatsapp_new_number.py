import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "whatsapp" / "fixtures" / "message.json"


@pytest.fixture
def whatsapp_source(pipeline):
    source, token = source_create(name="WhatsApp", kind="whatsapp", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_message_from_a_new_number_becomes_a_lead(deliver, whatsapp_source):
    answer = deliver(whatsapp_source, json.loads(FIXTURE.read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (answer.status_code, event.status) == (202, "processed")
    assert event.external_id == "wamid.HBgLNzkxNjU1NTEyMzQVAgASGBQzQTdCRjQ1RDg4QzY3RjlFOTc1QwA="
    assert (event.contact_created, event.deal_created) == (True, True)
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.first_name, contact.last_name) == ("Ольга", "Смирнова")
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79165551234"]
    deal = Deal.objects.get(pk=event.deal_id)
    entry = deal.timeline.get(data__source=whatsapp_source.slug)
    assert "Вакансия кассира ещё открыта?" in entry.text
    assert entry.data["extra"]["wa_id"] == "79165551234"
