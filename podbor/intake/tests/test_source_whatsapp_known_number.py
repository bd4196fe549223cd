import json
from pathlib import Path

import pytest

from podbor.crm.models import Deal, TimelineEntry
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "whatsapp" / "fixtures" / "message.json"


@pytest.fixture
def whatsapp_source(pipeline):
    source, token = source_create(name="WhatsApp", kind="whatsapp", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_message_from_a_known_number_goes_on_the_contacts_timeline_without_a_new_deal(
    deliver, generic_source, whatsapp_source
):
    known = deliver(generic_source, {"full_name": "Смирнова Ольга", "phones": ["8 (916) 555-12-34"]}).json()
    deal = Deal.objects.get()
    answer = deliver(whatsapp_source, json.loads(FIXTURE.read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.matched_by) == ("processed", "phone")
    assert event.contact_id == InboundEvent.objects.get(pk=known["event"]).contact_id
    assert (event.contact_created, event.deal_created, event.deal_id) == (False, False, deal.pk)
    assert Deal.objects.count() == 1
    message = TimelineEntry.objects.get(kind=TimelineEntry.Kind.MESSAGE)
    assert message.text == "Здравствуйте! Вакансия кассира ещё открыта?"
    assert (message.contact_id, message.deal_id) == (event.contact_id, deal.pk)
    assert message.data["channel"] == "whatsapp"
