import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "rabota" / "fixtures" / "response.json"


@pytest.fixture
def rabota_source(pipeline):
    source, token = source_create(name="Rabota.ru", kind="rabota", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_rabota_response_becomes_a_contact_and_a_deal(deliver, rabota_source):
    answer = deliver(rabota_source, json.loads(FIXTURE.read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (answer.status_code, event.status, event.external_id) == (202, "processed", "response:987654321")
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Кузнецов", "Андрей", "Сергеевич")
    assert contact.city == "Санкт-Петербург"
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79215554433"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.title.endswith("Курьер (пеший/вело)")
    entry = deal.timeline.get(data__source=rabota_source.slug)
    assert "Есть свой велосипед" in entry.text
    assert entry.data["extra"]["rabota_resume_url"] == "https://www.rabota.ru/resume35123456.html"
