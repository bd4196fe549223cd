""""Interested" into a stage whose guard wants fields the deal lacks: 422 with the missing fields and nothing is
written; filled in on the card, the same outcome goes through."""

import pytest

from podbor.conftest import stage_named
from podbor.crm.models import Deal, TimelineEntry
from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.tests.calllist_world import a_filter, api_for, lead

pytestmark = pytest.mark.django_db


@pytest.fixture
def qualified(pipeline, manager_a):
    a_filter(pipeline)
    deal = lead(actor=manager_a, pipeline=pipeline, stage=stage_named(pipeline, "Квалификация"))
    item = call_list_build(user=manager_a, why=WHY_ASKED).items.get()
    return deal, item


def test_a_guard_failure_lists_the_missing_fields_and_writes_nothing(client, manager_a, qualified, pipeline):
    deal, item = qualified
    old_phones = [p.e164 for p in deal.contact.phones.all()]

    response = api_for(client, manager_a).post(f"/call-list/items/{item.pk}/outcome", {
        "outcome": "interested", "fields": {"phones": ["+7 912 000-11-22"]}})

    assert response.status_code == 422
    assert [m["field"] for m in response.json()["missing"]] == ["custom.interview_date"]
    assert Deal.objects.get(pk=deal.pk).stage == stage_named(pipeline, "Квалификация")
    assert [p.e164 for p in deal.contact.phones.all()] == old_phones
    item.refresh_from_db()
    assert item.state == "open"
    assert not TimelineEntry.objects.filter(deal=deal, kind=TimelineEntry.Kind.CALL).exists()


def test_the_missing_field_filled_on_the_card_lets_the_lead_through(client, manager_a, qualified, pipeline):
    deal, item = qualified

    response = api_for(client, manager_a).post(f"/call-list/items/{item.pk}/outcome", {
        "outcome": "interested", "fields": {"custom": {"interview_date": "2030-05-20"}}})

    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.stage == stage_named(pipeline, "Собеседование назначено")
    assert deal.custom["interview_date"] == "2030-05-20"
