import json
from pathlib import Path
from urllib.parse import urlencode

import pytest

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

FIXTURES = Path(__file__).resolve().parent.parent / "sources" / "site" / "fixtures"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def site_source(pipeline):
    source, token = source_create(name="Сайт", kind="site", pipeline=pipeline)
    source.test_token = token
    return source


def test_a_form_encoded_post_becomes_a_lead_and_the_answer_may_be_read_by_the_site(deliver, site_source):
    answer = deliver(site_source, None, raw=(FIXTURES / "form.txt").read_bytes(), content_type=FORM)
    assert answer.status_code == 202
    assert answer["Access-Control-Allow-Origin"] == "*"
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.external_id) == ("processed", "vacancy-form:5f0c2d7e-8b1a-4c3e-9a57-2e6b1d4c9f10")
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Смирнова", "Ольга", "Викторовна")
    assert (contact.city, list(contact.phones.values_list("e164", flat=True))) == ("Москва", ["+79165551234"])
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.title.endswith("Продавец-кассир")
    entry = deal.timeline.get(data__source=site_source.slug)
    assert "Удобно звонить после 18:00" in entry.text
    extra = entry.data["extra"]
    assert (extra["utm_source"], extra["utm_medium"], extra["utm_campaign"]) == ("yandex", "cpc", "kassir_msk_spring")
    assert extra["consent"] == "on"


def test_a_json_post_with_other_common_field_names_is_understood(deliver, site_source):
    answer = deliver(site_source, json.loads((FIXTURES / "form.json").read_text()))
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "processed"
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.first_name, contact.city) == ("Игорь", "Казань")
    assert list(contact.emails.values_list("normalized", flat=True)) == ["igor.v@example.com"]
    assert Deal.objects.get(pk=event.deal_id).title == "Игорь — Грузчик"


def test_a_form_field_wrapping_json_is_unwrapped(deliver, site_source):
    inner = json.dumps({"fio": "Орлов Пётр", "phone": "+7 999 765-43-21", "request_id": "r-1"}, ensure_ascii=False)
    answer = deliver(site_source, None, raw=urlencode({"payload": inner}), content_type=FORM)
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.external_id) == ("processed", "r-1")
    assert Contact.objects.get(pk=event.contact_id).full_name == "Орлов Пётр"


def test_the_same_submission_sent_twice_is_taken_once(deliver, site_source):
    body = (FIXTURES / "form.txt").read_bytes()
    first = deliver(site_source, None, raw=body, content_type=FORM)
    again = deliver(site_source, None, raw=body, content_type=FORM)
    assert (first.status_code, again.status_code) == (202, 200)
    assert Deal.objects.count() == 1


def test_the_preflight_is_answered_for_clients_that_send_one(client, site_source):
    answer = client.options(f"/api/v1/intake/{site_source.slug}")
    assert answer.status_code == 204
    assert answer["Access-Control-Allow-Origin"] == "*"
