"""Administrators keep the call-list filters: the active shares add up to 100 %, skills must exist, and a filter
that matches no open lead is refused (naming the criterion) unless confirmed with allow_empty."""

import json

import pytest

from podbor.accounts.models import Skill
from podbor.routing.models import CallListFilter
from podbor.routing.tests.calllist_world import a_filter, api_for, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(client, admin_user):
    return api_for(client, admin_user)


def _put(api, path: str, body: dict):
    return api.client.put("/api/v1" + path, json.dumps(body), content_type="application/json", **api.headers)


@pytest.fixture
def hh_leads(pipeline, manager_a):
    Skill.objects.create(code="english", name="Английский")
    return leads(2, actor=manager_a, pipeline=pipeline, source="hh.ru")


def test_an_admin_creates_a_filter_and_reads_it_back(admin_api, pipeline, hh_leads):
    stage = pipeline.stages.get(order=1)
    response = admin_api.post("/call-list/filters", {
        "name": "hh.ru", "pipeline": pipeline.pk, "stages": [stage.pk], "sources": ["hh.ru"], "weight": 100,
        "required_skills": ["english"]})

    assert response.status_code == 201
    body = admin_api.get(f"/call-list/filters/{response.json()['id']}").json()
    assert body | {"id": 0} == {"id": 0, "name": "hh.ru", "pipeline": pipeline.pk, "stages": [stage.pk],
                                "sources": ["hh.ru"], "tags": [], "fields": {}, "weight": 100,
                                "required_skills": ["english"], "is_active": True, "order": 0}


def test_shares_not_adding_up_to_100_are_refused_naming_the_weight(admin_api, pipeline, hh_leads):
    a_filter(pipeline, weight=100)

    response = admin_api.post("/call-list/filters", {"name": "Ещё", "pipeline": pipeline.pk, "weight": 30})

    assert response.status_code == 400
    assert "weight" in response.json()["fields"]
    assert CallListFilter.objects.count() == 1


def test_shares_are_rebalanced_at_once(admin_api, pipeline, hh_leads):
    first = a_filter(pipeline, weight=100)
    second = admin_api.post("/call-list/filters", {"name": "Ещё", "pipeline": pipeline.pk, "weight": 40,
                                                   "is_active": False}).json()

    response = _put(admin_api, "/call-list/filters/shares", {"shares": [
        {"filter": first.pk, "weight": 60}, {"filter": second["id"], "weight": 40, "is_active": True}]})

    assert response.status_code == 200
    assert sorted((f["weight"], f["is_active"]) for f in response.json()["items"]) == [(40, True), (60, True)]


def test_rebalanced_shares_that_do_not_add_up_are_refused(admin_api, pipeline, hh_leads):
    first = a_filter(pipeline, weight=100)

    response = _put(admin_api, "/call-list/filters/shares", {"shares": [{"filter": first.pk, "weight": 90}]})

    assert response.status_code == 400
    assert "shares" in response.json()["fields"]


def test_an_unknown_skill_is_refused(admin_api, pipeline, hh_leads):
    response = admin_api.post("/call-list/filters", {"name": "X", "pipeline": pipeline.pk,
                                                     "required_skills": ["klingon"]})

    assert response.status_code == 400
    assert "required_skills" in response.json()["fields"]


def test_a_filter_matching_nothing_is_refused_naming_the_criterion_unless_confirmed(admin_api, pipeline, hh_leads):
    body = {"name": "Опечатка", "pipeline": pipeline.pk, "sources": ["hh.ry"]}

    refused = admin_api.post("/call-list/filters", body)
    confirmed = admin_api.post("/call-list/filters", body | {"allow_empty": True})

    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["sources"]
    assert confirmed.status_code == 201


def test_deleting_an_active_filter_must_leave_the_shares_whole(admin_api, pipeline, hh_leads):
    first = a_filter(pipeline, weight=50)
    second = a_filter(pipeline, weight=50, name="Второй")

    refused = admin_api.client.delete(f"/api/v1/call-list/filters/{first.pk}", **admin_api.headers)
    _put(admin_api, "/call-list/filters/shares", {"shares": [{"filter": first.pk, "weight": 0, "is_active": False},
                                                           {"filter": second.pk, "weight": 100}]})
    deleted = admin_api.client.delete(f"/api/v1/call-list/filters/{first.pk}", **admin_api.headers)

    assert refused.status_code == 400
    assert deleted.status_code == 204
    assert list(CallListFilter.objects.values_list("pk", flat=True)) == [second.pk]


def test_managers_may_not_manage_filters(client, manager_a, pipeline):
    api = api_for(client, manager_a)

    assert api.get("/call-list/filters").status_code == 403
    assert api.post("/call-list/filters", {"name": "X", "pipeline": pipeline.pk}).status_code == 403
