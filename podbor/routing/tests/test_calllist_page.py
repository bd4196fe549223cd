"""The "My call list" page: the current lead's card pre-filled, the queue, today's counts; an outcome posted from
the card (HTMX) answers the workspace with the next lead; a stale card says it does not apply."""

import pytest
from django.urls import reverse

from podbor.conftest import PASSWORD, stage_named
from podbor.crm.models import Deal
from podbor.routing.models import CallListItem, LeadCallState
from podbor.routing.tests.calllist_world import a_filter, lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, pipeline, manager_a):
    a_filter(pipeline)
    older = lead(actor=manager_a, pipeline=pipeline, name="Старый Лид", city="Казань")
    newer = lead(actor=manager_a, pipeline=pipeline, name="Новый Лид", city="Уфа")
    client.login(username=manager_a.username, password=PASSWORD)
    return client, newer, older


def _card_data(client, item) -> dict:
    """What the card's form holds when it is shown (the browser posts it all back)."""
    form = client.get(reverse("routing-call-item", args=[item.pk])).context["form"]
    return {name: form[name].value() or "" for name in form.fields if name not in ("pin", "lost_reason")}


def _card_post(client, item, data):
    return client.post(reverse("routing-call-outcome", args=[item.pk]), data, HTTP_HX_REQUEST="true")


def test_the_page_shows_the_newest_lead_prefilled_the_queue_and_the_counts(page):
    client, newer, older = page

    response = client.get(reverse("routing-call-list"))

    assert response.status_code == 200
    assert response.context["item"].deal == newer
    form = response.context["form"]
    assert form["city"].value() == "Уфа"
    assert form["phones"].value() == newer.contact.phones.get().raw
    assert [q.deal for q in response.context["queue"]] == [newer, older]
    assert response.context["counts"]["total"] == 0
    assert b'id="call-card-form"' in response.content and b'id="nav-call-list"' in response.content


def test_an_outcome_from_the_card_moves_the_workspace_to_the_next_lead(page, manager_a):
    client, newer, older = page
    client.get(reverse("routing-call-list"))
    item = CallListItem.objects.get(deal=newer, state="open")

    response = _card_post(client, item, _card_data(client, item) | {"outcome": "no_answer", "city": "Самара"})

    assert response.status_code == 200
    assert response.context["item"].deal == older
    assert response.context["counts"]["no_answer"] == 1
    assert LeadCallState.objects.get(deal=newer).attempts == 1
    newer.contact.refresh_from_db()
    assert newer.contact.city == "Самара"


def test_a_guard_failure_on_the_card_keeps_what_was_typed_and_shows_the_missing_field(page, pipeline):
    client, newer, _older = page
    Deal.objects.filter(pk=newer.pk).update(stage=stage_named(pipeline, "Квалификация"))
    client.get(reverse("routing-call-list"))
    item = CallListItem.objects.get(deal=newer, state="open")

    response = _card_post(client, item, _card_data(client, item) | {"outcome": "interested", "city": "Пермь"})

    assert response.status_code == 200
    form = response.context["form"]
    assert form["city"].value() == "Пермь"
    assert "custom.interview_date" in form.errors
    item.refresh_from_db()
    assert item.state == "open"


def test_a_card_whose_lead_is_already_done_says_it_does_not_apply(page):
    client, newer, _older = page
    client.get(reverse("routing-call-list"))
    item = CallListItem.objects.get(deal=newer, state="open")
    data = _card_data(client, item)
    _card_post(client, item, data | {"outcome": "no_answer"})

    response = _card_post(client, item, data | {"outcome": "interested"})

    assert response.status_code == 200
    assert response.context["notice"]
    assert Deal.objects.get(pk=newer.pk).stage.order == 1


def test_another_managers_item_is_not_found(page, client, manager_a2):
    own_client, newer, _older = page
    own_client.get(reverse("routing-call-list"))
    item = CallListItem.objects.get(deal=newer, state="open")
    client.logout()
    client.login(username=manager_a2.username, password=PASSWORD)

    assert client.get(reverse("routing-call-item", args=[item.pk])).status_code == 404
    assert _card_post(client, item, {"outcome": "no_answer"}).status_code == 404
