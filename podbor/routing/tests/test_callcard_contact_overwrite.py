"""A phone or email corrected on the call card overwrites the contact's; the old value stays in the timeline."""

import pytest

from podbor.crm.models import TimelineEntry
from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.tests.calllist_world import a_filter, api_for, leads

pytestmark = pytest.mark.django_db


def test_a_corrected_phone_replaces_the_old_one_which_stays_in_the_timeline(client, pipeline, manager_a):
    a_filter(pipeline)
    deal = leads(1, actor=manager_a, pipeline=pipeline, city="Казань")[0]
    item = call_list_build(user=manager_a, why=WHY_ASKED).items.get()
    old_phone = deal.contact.phones.get().e164

    response = api_for(client, manager_a).post(f"/call-list/items/{item.pk}/outcome", {
        "outcome": "no_answer", "fields": {"phones": ["+7 912 000-11-22"], "emails": ["new@example.com"],
                                           "city": "Самара"}})

    assert response.status_code == 200
    contact = deal.contact
    contact.refresh_from_db()
    assert [p.e164 for p in contact.phones.all()] == ["+79120001122"]
    assert [e.normalized for e in contact.emails.all()] == ["new@example.com"]
    assert contact.city == "Самара"
    change = TimelineEntry.objects.filter(contact=contact, data__before__phones__isnull=False).get()
    assert change.data["before"]["phones"] == [old_phone]
    assert change.data["before"]["city"] == "Казань"


def test_a_bad_phone_is_a_field_error_and_nothing_is_logged(client, pipeline, manager_a):
    a_filter(pipeline)
    deal = leads(1, actor=manager_a, pipeline=pipeline)[0]
    item = call_list_build(user=manager_a, why=WHY_ASKED).items.get()

    response = api_for(client, manager_a).post(f"/call-list/items/{item.pk}/outcome",
                                      {"outcome": "no_answer", "fields": {"phones": ["звоните"]}})

    assert response.status_code == 400
    assert "fields.phones.0" in response.json()["fields"]
    item.refresh_from_db()
    assert item.state == "open"
    assert not TimelineEntry.objects.filter(deal=deal, kind=TimelineEntry.Kind.CALL).exists()
