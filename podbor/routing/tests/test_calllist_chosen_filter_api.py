"""GET /me/call-list shows the chosen filter; POST …/rebuild chooses one ("filter": id), chooses all ("filter":
null) or keeps the choice (left out); every later list uses it."""

import pytest

from podbor.accounts.models import Skill
from podbor.routing.tests.calllist_world import a_filter, api_for, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 2
    hh = a_filter(pipeline, name="hh", weight=50, sources=["hh.ru"])
    site = a_filter(pipeline, name="site", weight=50, sources=["site"])
    hh.leads = leads(3, actor=manager_a, pipeline=pipeline, source="hh.ru")
    site.leads = leads(3, actor=manager_a, pipeline=pipeline, source="site")
    return hh, site


def _deals(body: dict) -> set[int]:
    return {i["deal"] for i in body["items"]}


def test_the_list_says_no_filter_was_chosen_at_first(client, world, manager_a):
    assert api_for(client, manager_a).get("/me/call-list").json()["chosen_filter"] is None


def test_a_chosen_filter_is_shown_and_used_by_the_next_list(client, world, manager_a):
    _hh, site = world
    api = api_for(client, manager_a)

    chosen = api.post("/me/call-list/rebuild", {"filter": site.pk}).json()
    assert chosen["chosen_filter"] == {"id": site.pk, "name": "site"}
    assert api.get("/me/call-list").json()["chosen_filter"]["id"] == site.pk

    for item in chosen["items"]:
        body = api.post(f"/call-list/items/{item['id']}/outcome", {"outcome": "no_answer"}).json()
    assert body["new_list"] is True

    after = api.get("/me/call-list").json()
    assert after["id"] != chosen["id"] and after["why"] == "list_finished"
    assert after["chosen_filter"]["id"] == site.pk
    assert _deals(after) <= {d.pk for d in site.leads}


def test_a_rebuild_without_a_filter_keeps_the_choice_and_null_forgets_it(client, world, manager_a):
    _hh, site = world
    api = api_for(client, manager_a)
    api.post("/me/call-list/rebuild", {"filter": site.pk})

    kept = api.post("/me/call-list/rebuild", {}).json()
    assert kept["chosen_filter"]["id"] == site.pk and kept["why"] == "asked"

    forgotten = api.post("/me/call-list/rebuild", {"filter": None}).json()
    assert forgotten["chosen_filter"] is None and forgotten["why"] == "filter_changed"


def test_choosing_a_filter_that_needs_a_skill_you_lack_is_a_field_error(client, world, manager_a):
    _hh, site = world
    site.required_skills.add(Skill.objects.create(code="english", name="English"))

    response = api_for(client, manager_a).post("/me/call-list/rebuild", {"filter": site.pk})

    assert response.status_code == 400
    assert "filter" in response.json()["fields"]
