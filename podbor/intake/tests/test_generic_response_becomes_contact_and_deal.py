import json
from pathlib import Path

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent

FIXTURE = Path(__file__).resolve().parent.parent / "sources" / "generic" / "fixtures" / "response.json"


def test_a_response_becomes_a_contact_and_a_deal_on_the_first_stage(deliver, generic_source, pipeline):
    answer = deliver(generic_source, json.loads(FIXTURE.read_text()))
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "processed"
    assert (event.matched_by, event.contact_created, event.deal_created) == ("none", True, True)
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Смирнова", "Ольга", "Викторовна")
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79165551234"]
    assert list(contact.emails.values_list("normalized", flat=True)) == ["olga.smirnova@example.ru"]
    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.stage == pipeline.first_open_stage()
    assert deal.source == "Сайт"
    assert "Продавец-кассир" in deal.title
    assert deal.timeline.filter(data__extra__citizenship="РФ").exists()


def test_the_same_delivery_twice_answers_with_the_first_event_and_creates_nothing(deliver, generic_source):
    payload = json.loads(FIXTURE.read_text())
    first = deliver(generic_source, payload)
    again = deliver(generic_source, payload)
    assert again.status_code == 200
    assert again.json() == {"event": first.json()["event"], "duplicate": True}
    assert Deal.objects.count() == 1
    assert InboundEvent.objects.count() == 1


def test_the_same_idempotency_key_is_a_repeat_even_without_an_external_id(deliver, generic_source):
    payload = {"full_name": "Петров Пётр", "phones": ["+7 999 000-11-22"]}
    first = deliver(generic_source, payload, idempotency_key="abc-1")
    again = deliver(generic_source, payload, idempotency_key="abc-1")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["event"] == first.json()["event"]
