import json
from pathlib import Path

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "hh" / "fixtures" / "negotiation.json"


@pytest.fixture
def hh_source(pipeline):
    source, token = source_create(name="hh.ru", kind="hh", pipeline=pipeline)
    source.test_token = token
    return source


def test_an_hh_response_becomes_a_contact_and_a_deal_with_the_resume_facts(deliver, hh_source, pipeline):
    answer = deliver(hh_source, json.loads(FIXTURE.read_text()))
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.external_id) == ("processed", "negotiation:4021558113")
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Кузнецова", "Анна", "")
    assert contact.city == "Санкт-Петербург"
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79214567890"]
    assert list(contact.emails.values_list("normalized", flat=True)) == ["anna.kuznetsova98@mail.ru"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.stage == pipeline.first_open_stage()
    assert deal.title == "Кузнецова Анна — Продавец-консультант в магазин у дома"
    extra = deal.timeline.get(data__source=hh_source.slug).data["extra"]
    assert extra["hh_resume_id"] == "8a3e1f2c00ff0d1e2d0039ed1f6a4b5c6d7e8f"
    assert extra["hh_resume_url"] == "https://hh.ru/resume/8a3e1f2c00ff0d1e2d0039ed1f6a4b5c6d7e8f"
    assert (extra["resume_title"], extra["age"], extra["gender"]) == ("Продавец-консультант", 27, "female")
    assert extra["salary"] == {"amount": 65000, "currency": "RUR"}


def test_the_same_negotiation_delivered_again_creates_nothing(deliver, hh_source):
    payload = json.loads(FIXTURE.read_text())
    first = deliver(hh_source, payload)
    again = deliver(hh_source, payload)
    assert again.json() == {"event": first.json()["event"], "duplicate": True}
    assert Deal.objects.count() == 1


def test_a_negotiation_whose_resume_was_hidden_is_kept_as_failed_with_the_reason(deliver, hh_source):
    payload = {**json.loads(FIXTURE.read_text()), "resume": None}
    event = InboundEvent.objects.get(pk=deliver(hh_source, payload).json()["event"])
    assert event.status == "failed"
    assert "no résumé" in event.reason
