from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent


def test_a_repeat_response_in_another_phone_format_joins_the_open_deal(deliver, generic_source):
    deliver(generic_source, {"external_id": "1", "full_name": "Иванов Иван", "phones": ["8 (999) 123-45-67"],
                             "vacancy": "Курьер"})
    answer = deliver(generic_source, {"external_id": "2", "full_name": "Иванов Иван", "phones": ["+7 999 1234567"],
                                      "emails": ["ivanov@example.ru"], "vacancy": "Кладовщик"})
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "duplicate"
    assert event.matched_by == "phone"
    assert (event.contact_created, event.deal_created) == (False, False)
    assert Contact.objects.count() == 1
    assert Deal.objects.count() == 1
    contact = Contact.objects.get()
    assert list(contact.emails.values_list("normalized", flat=True)) == ["ivanov@example.ru"]  # enriched
    assert Deal.objects.get().timeline.filter(text__contains="Кладовщик", data__repeat=True).exists()


def test_an_email_match_finds_the_contact_when_the_phone_is_new(deliver, generic_source):
    deliver(generic_source, {"external_id": "1", "full_name": "Орлова Анна", "emails": ["Anna@Mail.ru"]})
    answer = deliver(generic_source, {"external_id": "2", "full_name": "Орлова Анна", "emails": ["anna@mail.ru"],
                                      "phones": ["89161112233"]})
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.matched_by == "email"
    assert Contact.objects.get().phones.get().e164 == "+79161112233"


def test_a_closed_deal_does_not_take_the_repeat_a_new_deal_is_opened(deliver, generic_source, pipeline):
    from podbor.crm.services import deal_close_lost

    first = deliver(generic_source, {"external_id": "1", "full_name": "Лосев Лев", "phones": ["9990001122"]})
    deal = Deal.objects.get(pk=first.json()["event"] and InboundEvent.objects.get().deal_id)
    deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=None)
    answer = deliver(generic_source, {"external_id": "2", "full_name": "Лосев Лев", "phones": ["9990001122"]})
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.deal_created) == ("processed", True)
    assert Deal.objects.filter(contact=deal.contact).count() == 2
