import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "superjob" / "fixtures" / "response.json"


@pytest.fixture
def superjob_source(pipeline):
    source, token = source_create(name="SuperJob", kind="superjob", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_superjob_response_becomes_a_contact_and_a_deal(deliver, superjob_source):
    answer = deliver(superjob_source, json.loads(FIXTURE.read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (answer.status_code, event.status, event.external_id) == (202, "processed", "response:771204563")
    contact = Contact.objects.get(pk=event.contact_id)
    assert contact.full_name == "Петров Иван Сергеевич"
    assert contact.city == "Москва"
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79161234567"]
    assert list(contact.emails.values_list("normalized", flat=True)) == ["i.petrov86@yandex.ru"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.title == "Петров Иван Сергеевич — Кладовщик на склад"
    entry = deal.timeline.get(data__source=superjob_source.slug)
    assert "Готов выйти на смену с понедельника" in entry.text
    assert entry.data["extra"]["superjob_resume_url"] == "https://www.superjob.ru/resume/kladovschik-42443113.html"
    assert entry.data["extra"]["salary"] == {"amount": 60000, "currency": "rub"}


def test_a_bare_resume_is_keyed_by_the_resume_id(deliver, superjob_source):
    resume = json.loads(FIXTURE.read_text())["resume"]
    event = InboundEvent.objects.get(pk=deliver(superjob_source, resume).json()["event"])
    assert (event.status, event.external_id) == ("processed", "resume:42443113")
