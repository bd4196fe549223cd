import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "vk" / "fixtures" / "application.json"


@pytest.fixture
def vk_source(pipeline):
    source, token = source_create(name="VK Работа", kind="vk", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_vk_application_becomes_a_contact_and_a_deal_for_the_included_job(deliver, vk_source):
    answer = deliver(vk_source, json.loads(FIXTURE.read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (answer.status_code, event.status, event.external_id) == (202, "processed", "application:5120377")
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.last_name, contact.first_name) == ("Петров", "Иван")
    assert contact.city == "Москва"
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79995225324"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.title == "Петров Иван — Курьер в службу доставки"
    extra = deal.timeline.get(data__source=vk_source.slug).data["extra"]
    assert (extra["vk_job_id"], extra["vk_application_status"]) == ("298", "unread")
    assert extra["address"] == "Москва, улица Еланского, 2"


def test_an_application_listed_as_the_only_item_of_data_is_read_too(deliver, vk_source):
    payload = json.loads(FIXTURE.read_text())
    payload["data"] = [payload["data"]]
    event = InboundEvent.objects.get(pk=deliver(vk_source, payload).json()["event"])
    assert (event.status, event.external_id) == ("processed", "application:5120377")
