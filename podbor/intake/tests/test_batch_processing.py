"""Many waiting events processed in one batch decide exactly as one by one: one contact and one open deal per
person, repeats joined, look-alikes flagged, bad events settled without stopping the others."""

import json

import pytest

from podbor.crm.models import Contact, Deal, PossibleDuplicate, Stage, TimelineEntry
from podbor.intake.models import InboundEvent
from podbor.intake.services import inbound_events_process_batch, source_create
from podbor.messaging.models import OutboundMessage


@pytest.fixture
def store(client):
    """``store(source, payload)``: delivered and stored, not processed yet (the job would run after commit)."""

    def post(source, payload, *, token=None):
        answer = client.post(f"/api/v1/intake/{source.slug}?token={token or source.test_token}",
                             json.dumps(payload, ensure_ascii=False), content_type="application/json")
        assert answer.status_code == 202, answer.content
        return answer.json()["event"]

    return post


def _events(ids):
    found = InboundEvent.objects.in_bulk(ids)
    return [found[i] for i in ids]


def test_repeats_inside_one_batch_make_one_contact_and_one_deal(store, generic_source):
    ids = [
        store(generic_source, {"external_id": "1", "full_name": "Иванов Иван", "phones": ["8 (999) 123-45-67"],
                               "vacancy": "Курьер"}),
        store(generic_source, {"external_id": "2", "full_name": "Петрова Анна", "emails": ["Anna@Mail.ru"]}),
        store(generic_source, {"external_id": "3", "full_name": "Иванов Иван", "phones": ["+7 999 1234567"],
                               "emails": ["ivanov@example.ru"], "vacancy": "Кладовщик"}),
        store(generic_source, {"external_id": "4", "first_name": "Анна", "emails": ["anna@mail.ru"],
                               "phones": ["89161112233"]}),
        store(generic_source, {"external_id": "5", "full_name": "Иванов Иван", "emails": ["ivanov@example.ru"]}),
    ]
    assert InboundEvent.objects.filter(status="received").count() == 5

    taken = inbound_events_process_batch()

    assert sorted(e.pk for e in taken) == sorted(ids)
    first, anna, repeat, anna_again, by_email = _events(ids)
    assert [e.status for e in (first, anna, repeat, anna_again, by_email)] == [
        "processed", "processed", "duplicate", "duplicate", "duplicate"]
    assert [e.matched_by for e in (first, anna, repeat, anna_again, by_email)] == [
        "none", "none", "phone", "email", "email"]
    assert Contact.objects.count() == 2
    assert Deal.objects.count() == 2
    ivanov = Contact.objects.get(pk=first.contact_id)
    assert {repeat.contact_id, by_email.contact_id} == {ivanov.pk}
    assert {repeat.deal_id, by_email.deal_id} == {first.deal_id}
    assert list(ivanov.emails.values_list("normalized", flat=True)) == ["ivanov@example.ru"]  # added by the repeat
    assert repeat.decision["enriched"] == ["ivanov@example.ru"]
    assert Contact.objects.get(pk=anna.contact_id).phones.get().e164 == "+79161112233"
    deal = Deal.objects.get(pk=first.deal_id)
    assert deal.title == "Иванов Иван — Курьер"
    assert deal.stage.name == "Новый отклик"
    assert deal.timeline.filter(data__repeat=True).count() == 2
    assert deal.stage_changes.count() == 1
    assert all(e.attempts == 1 and e.processed_at is not None for e in (first, repeat))


def test_a_batch_joins_known_contacts_and_their_open_deals(store, generic_source, deliver):
    known = deliver(generic_source, {"external_id": "0", "full_name": "Сидоров Пётр", "phones": ["9990001122"]})
    known_event = InboundEvent.objects.get(pk=known.json()["event"])
    ids = [store(generic_source, {"external_id": "1", "full_name": "Сидоров Пётр", "city": "Тверь",
                                  "phones": ["8 999 000 11 22", "+7 916 555 44 33"]})]

    inbound_events_process_batch()

    (event,) = _events(ids)
    assert (event.status, event.matched_by, event.contact_created) == ("duplicate", "phone", False)
    assert (event.contact_id, event.deal_id) == (known_event.contact_id, known_event.deal_id)
    contact = Contact.objects.get(pk=event.contact_id)
    assert sorted(contact.phones.values_list("e164", flat=True)) == ["+79165554433", "+79990001122"]
    assert contact.city == "Тверь"  # an empty field filled, nothing overwritten
    assert any("+79165554433" in entry.data.get("added", []) for entry in contact.timeline.all())
    assert Deal.objects.count() == 1


def test_look_alikes_in_one_batch_are_flagged_on_both(store, generic_source):
    ids = [
        store(generic_source, {"external_id": "1", "full_name": "Иванов Иван", "phones": ["9990001111"]}),
        store(generic_source, {"external_id": "2", "full_name": "Ivanov Ivan", "phones": ["9990002222"]}),
    ]

    inbound_events_process_batch()

    cyrillic, latin = _events(ids)
    assert cyrillic.contact_id != latin.contact_id
    assert PossibleDuplicate.objects.filter(contact_id=cyrillic.contact_id, other_id=latin.contact_id).exists()
    assert PossibleDuplicate.objects.filter(contact_id=latin.contact_id, other_id=cyrillic.contact_id).exists()
    assert latin.decision["possible_duplicates"] == [cyrillic.contact_id]


def test_bad_and_irrelevant_events_are_settled_and_the_rest_goes_on(store, generic_source, pipeline):
    zone, token = source_create(name="Только Москва", kind="generic", pipeline=pipeline, relevance={
        "allowed_cities": ["Москва"], "auto_reply": "Спасибо, но вакансий в вашем городе нет.",
        "auto_reply_channel": "sms"})
    zone.test_token = token
    ids = [
        store(generic_source, {"external_id": "1", "full_name": "Без Связи"}),
        store(zone, {"external_id": "2", "full_name": "Далеко Живёт", "city": "Пермь", "phones": ["9990003333"]}),
        store(zone, {"external_id": "3", "full_name": "Рядом Живёт", "city": "москва", "phones": ["9990004444"]}),
    ]

    inbound_events_process_batch()

    unreachable, far, near = _events(ids)
    assert unreachable.status == "failed"
    assert unreachable.decision == {"phones_given": [], "emails_given": []}
    assert far.status == "rejected"
    assert Deal.objects.get(pk=far.deal_id).stage.kind == Stage.Kind.LOST
    assert OutboundMessage.objects.get(deal_id=far.deal_id).to == "+79990003333"
    assert near.status == "processed"
    assert Deal.objects.get(pk=near.deal_id).closed_at is None


def test_a_batch_that_fails_as_a_whole_is_processed_event_by_event(store, generic_source, pipeline):
    guarded, token = source_create(name="Сразу на собеседование", kind="generic", pipeline=pipeline,
                                   stage=pipeline.stages.get(name="Собеседование назначено"))
    guarded.test_token = token
    ids = [
        store(guarded, {"external_id": "1", "full_name": "Нужна Дата", "phones": ["9990005555"]}),
        store(generic_source, {"external_id": "2", "full_name": "Обычный Отклик", "phones": ["9990006666"]}),
    ]

    inbound_events_process_batch()

    needs_date, ordinary = _events(ids)
    assert (needs_date.status, needs_date.attempts) == ("received", 1)  # tried again later, then marked failed
    assert (ordinary.status, ordinary.deal_created) == ("processed", True)
    assert TimelineEntry.objects.filter(deal_id=ordinary.deal_id, data__event=ordinary.pk).exists()
