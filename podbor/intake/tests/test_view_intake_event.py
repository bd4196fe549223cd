from django.urls import reverse

from podbor.intake.models import InboundEvent


def test_the_event_page_shows_the_reason_the_decision_and_the_body_formatted(
    client, lead_a, deliver, generic_source
):
    event_id = deliver(generic_source, {"full_name": "Без Контактов", "phones": ["12"]}).json()["event"]
    event = InboundEvent.objects.get(pk=event_id)
    client.force_login(lead_a)

    html = client.get(reverse("intake-event", args=[event_id])).content.decode()

    assert event.reason and event.reason in html
    assert "phones_given" in html  # the decision
    assert '  &quot;full_name&quot;: &quot;Без Контактов&quot;' in html  # indented, Cyrillic as it is
    assert reverse("intake-event-retry", args=[event_id]) in html


def test_a_failed_event_is_processed_again_from_its_page(client, admin_user, deliver, generic_source):
    event_id = deliver(generic_source, {"full_name": "Без Контактов", "phones": ["12"]}).json()["event"]
    assert InboundEvent.objects.get(pk=event_id).status == "failed"
    # The cause is fixed: the sender's number was corrected in the stored body.
    InboundEvent.objects.filter(pk=event_id).update(body='{"full_name": "Без Контактов", "phones": ["9991234500"]}')
    client.force_login(admin_user)

    answer = client.post(reverse("intake-event-retry", args=[event_id]), follow=True)

    event = InboundEvent.objects.get(pk=event_id)
    assert event.status == "processed" and event.deal_id is not None
    assert answer.redirect_chain[-1][0] == reverse("intake-event", args=[event_id])
    html = answer.content.decode()
    assert "flash__success" in html
    assert reverse("intake-event-retry", args=[event_id]) not in html  # nothing left to retry


def test_an_event_that_did_not_fail_is_not_processed_again(client, admin_user, deliver, generic_source):
    event_id = deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"]}).json()["event"]
    client.force_login(admin_user)

    answer = client.post(reverse("intake-event-retry", args=[event_id]), follow=True)

    assert "flash__error" in answer.content.decode()
    assert InboundEvent.objects.get(pk=event_id).attempts == 1
