"""/api/v1/process-triggers: administrators create, list, change and delete what starts a process by itself."""

import json

import pytest

from podbor.automation.models import ProcessTrigger
from podbor.conftest import stage_named
from podbor.crm.models import Pipeline, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, token_for, admin_user):
    headers = token_for(admin_user)

    def call(method: str, path: str, data=None, *, as_headers=None):
        return getattr(client, method)("/api/v1" + path, json.dumps(data) if data is not None else None,
                                       content_type="application/json", **(as_headers or headers))

    return call


def test_a_trigger_is_created_listed_changed_and_deleted(api, call_process, pipeline):
    stage = stage_named(pipeline, "Квалификация")
    created = api("post", "/process-triggers", {"process": "call_candidate", "kind": "stage_entered",
                                                "stage": stage.pk})
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["pipeline"], body["stage"], body["is_active"]) == (
        "stage_entered", pipeline.pk, stage.pk, True)

    listed = api("get", "/process-triggers?process=call_candidate").json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert api("get", "/process-triggers?process=other").json()["items"] == []

    changed = api("patch", f"/process-triggers/{body['id']}", {"stage": None, "is_active": False})
    assert changed.status_code == 200
    assert (changed.json()["stage"], changed.json()["pipeline"], changed.json()["is_active"]) == (
        None, pipeline.pk, False)

    assert api("delete", f"/process-triggers/{body['id']}").status_code == 204
    assert not ProcessTrigger.objects.exists()
    assert api("delete", f"/process-triggers/{body['id']}").status_code == 404


def test_a_bad_change_answers_400_by_field(api, call_process, pipeline):
    trigger = api("post", "/process-triggers", {"process": "call_candidate", "kind": "deal_created"}).json()
    drivers = Pipeline.objects.create(name="Водители")
    foreign = Stage.objects.create(pipeline=drivers, name="Новый", order=1)

    cases = [({"kind": "field_changed"}, "field"), ({"stage": 999999}, "stage"), ({"kind": "nope"}, "kind"),
             ({"kind": "stage_entered", "pipeline": pipeline.pk, "stage": foreign.pk}, "stage")]
    for data, field in cases:
        answer = api("patch", f"/process-triggers/{trigger['id']}", data)
        assert answer.status_code == 400, data
        assert field in answer.json()["fields"], data
    assert ProcessTrigger.objects.get().kind == "deal_created"


def test_only_an_administrator_manages_triggers(api, call_process, token_for, lead_a):
    trigger = api("post", "/process-triggers", {"process": "call_candidate", "kind": "deal_created"}).json()
    lead = token_for(lead_a)

    assert api("patch", f"/process-triggers/{trigger['id']}", {"is_active": False}, as_headers=lead).status_code \
        == 403
    assert api("delete", f"/process-triggers/{trigger['id']}", as_headers=lead).status_code == 403
    assert ProcessTrigger.objects.get().is_active
