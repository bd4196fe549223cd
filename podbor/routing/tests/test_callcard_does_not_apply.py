"""An outcome that does not apply is refused with a clear answer and writes nothing: another manager's item (404),
an item already done (409), a closed deal (409), another deal than the card's (409), an incoming call (400), and
the missing details of an outcome (400)."""

import pytest
from django.utils import timezone

from podbor.crm.models import TimelineEntry
from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.tests.calllist_world import a_filter, api_for, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(pipeline, manager_a):
    a_filter(pipeline)
    leads(2, actor=manager_a, pipeline=pipeline)
    return call_list_build(user=manager_a, why=WHY_ASKED).items.order_by("position").first()


def _outcome(api, item, body):
    return api.post(f"/call-list/items/{item.pk}/outcome", body)


def _no_call_logged(item) -> bool:
    item.refresh_from_db()
    return item.state == "open" and not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.CALL).exists()


def test_another_managers_item_is_not_found(client, item, manager_a2):
    response = _outcome(api_for(client, manager_a2), item, {"outcome": "no_answer"})

    assert response.status_code == 404
    assert _no_call_logged(item)


def test_an_item_already_done_is_a_conflict(client, item, manager_a):
    api = api_for(client, manager_a)
    assert _outcome(api, item, {"outcome": "no_answer"}).status_code == 200

    response = _outcome(api, item, {"outcome": "interested"})

    assert response.status_code == 409
    assert TimelineEntry.objects.filter(kind=TimelineEntry.Kind.CALL).count() == 1


def test_a_closed_deal_is_a_conflict(client, item, manager_a):
    item.deal.closed_at = timezone.now()
    item.deal.save()

    response = _outcome(api_for(client, manager_a), item, {"outcome": "no_answer"})

    assert response.status_code == 409
    assert _no_call_logged(item)


def test_a_card_for_another_deal_is_a_conflict(client, item, manager_a):
    response = _outcome(api_for(client, manager_a), item, {"outcome": "no_answer", "deal": item.deal_id + 1})

    assert response.status_code == 409
    assert _no_call_logged(item)


def test_an_incoming_call_does_not_apply(client, item, manager_a):
    response = _outcome(api_for(client, manager_a), item, {"outcome": "no_answer", "direction": "incoming"})

    assert response.status_code == 400
    assert "direction" in response.json()["fields"]
    assert _no_call_logged(item)


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "call_back"}, "callback_at"),
    ({"outcome": "call_back", "callback_at": "2001-01-01T10:00:00+03:00"}, "callback_at"),
    ({"outcome": "refused"}, "lost_reason"),
    ({"outcome": "hung_up"}, "outcome"),
])
def test_missing_or_wrong_details_are_field_errors(client, item, manager_a, body, field):
    response = _outcome(api_for(client, manager_a), item, body)

    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _no_call_logged(item)
