"""GET /me/call-list answers the current list (building one when there is none) and POST …/rebuild a new one;
an outcome answers the lead done and the next one."""

import pytest

from podbor.routing.models import CallList
from podbor.routing.tests.calllist_world import a_filter, api_for, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 2
    hh = a_filter(pipeline, name="hh", weight=50, sources=["hh.ru"])
    site = a_filter(pipeline, name="site", weight=50, sources=["site"])
    leads(2, actor=manager_a, pipeline=pipeline, source="hh.ru")
    site.leads = leads(2, actor=manager_a, pipeline=pipeline, source="site")
    return hh, site


def test_the_first_look_builds_a_list_with_the_items_a_caller_needs(client, world, manager_a):
    body = api_for(client, manager_a).get("/me/call-list").json()

    assert body["why"] == "first_list" and body["size"] == 2
    assert [i["position"] for i in body["items"]] == [0, 1]
    item = body["items"][0]
    assert set(item) == {"id", "position", "state", "outcome", "callback", "deal", "title", "stage", "contact",
                         "contact_name", "phone", "attempts", "callback_at"}
    assert item["state"] == "open" and item["callback"] is False and item["phone"].startswith("+7999")
    assert body["today"] == {"total": 0, "no_answer": 0, "call_back": 0, "refused": 0, "interested": 0}


def test_looking_again_answers_the_same_list(client, world, manager_a):
    api = api_for(client, manager_a)
    first = api.get("/me/call-list").json()

    assert api.get("/me/call-list").json()["id"] == first["id"]
    assert CallList.objects.filter(user=manager_a).count() == 1


def test_rebuild_with_a_filter_takes_that_filters_leads_only(client, world, manager_a):
    _hh, site = world

    body = api_for(client, manager_a).post("/me/call-list/rebuild", {"filter": site.pk}).json()

    assert body["why"] == "filter_changed"
    assert sorted(i["deal"] for i in body["items"]) == sorted(d.pk for d in site.leads)


def test_rebuild_with_an_unknown_filter_is_a_field_error(client, world, manager_a):
    response = api_for(client, manager_a).post("/me/call-list/rebuild", {"filter": 999})

    assert response.status_code == 400
    assert "filter" in response.json()["fields"]


def test_an_outcome_answers_the_done_item_the_next_one_and_counts_it_today(client, world, manager_a):
    api = api_for(client, manager_a)
    first, second = api.get("/me/call-list").json()["items"]

    body = api.post(f"/call-list/items/{first['id']}/outcome", {"outcome": "no_answer"}).json()

    assert body["done"]["id"] == first["id"] and body["done"]["state"] == "done"
    assert body["done"]["outcome"] == "no_answer" and body["done"]["attempts"] == 1
    assert body["next"]["id"] == second["id"] and body["new_list"] is False
    assert api.get("/me/call-list").json()["today"]["no_answer"] == 1
