"""The template library over HTTP: list the shipped templates with what is deployed, install one (once, optionally
in one pipeline); administrators only, errors as JSON."""

import json

import pytest

from podbor.automation.library import TEMPLATES
from podbor.automation.models import ProcessDefinition, ProcessTrigger

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, token_for):
    class Api:
        def __init__(self, user):
            self.headers = token_for(user)

        def post(self, path, data=None, *, raw=None):
            body = raw if raw is not None else json.dumps(data or {})
            return client.post("/api/v1" + path, body, content_type="application/json", **self.headers)

        def get(self, path):
            return client.get("/api/v1" + path, **self.headers)

    return Api


def test_the_list_names_the_six_templates_and_what_is_installed(api, admin_user):
    listed = api(admin_user).get("/process-templates")
    assert listed.status_code == 200
    body = listed.json()
    assert [t["key"] for t in body] == list(TEMPLATES)
    assert len(body) == 6
    assert all(t["installed"] is None and t["name"] and t["description"] for t in body)
    sla = next(t for t in body if t["key"] == "sla_call_90s")
    assert sla["triggers"] == [{"kind": "deal_created"}]

    api(admin_user).post("/process-templates/sla_call_90s/install")
    sla = next(t for t in api(admin_user).get("/process-templates").json() if t["key"] == "sla_call_90s")
    assert sla["installed"] == {"id": ProcessDefinition.objects.get(key="sla_call_90s").pk, "version": 1}


def test_install_deploys_once_and_switches_the_trigger_on(api, admin_user):
    first = api(admin_user).post("/process-templates/sla_call_90s/install")
    assert first.status_code == 201, first.content
    definition = ProcessDefinition.objects.get(key="sla_call_90s")
    assert first.json() == {"id": definition.pk, "key": "sla_call_90s", "version": 1}

    again = api(admin_user).post("/process-templates/sla_call_90s/install", raw="")  # no body at all is fine too
    assert again.status_code == 201, again.content
    assert again.json() == first.json()
    assert ProcessDefinition.objects.filter(key="sla_call_90s").count() == 1
    trigger = ProcessTrigger.objects.get(process_key="sla_call_90s")
    assert (trigger.kind, trigger.pipeline_id, trigger.is_active) == ("deal_created", None, True)


def test_install_in_one_pipeline_puts_the_trigger_there(api, admin_user, pipeline):
    answer = api(admin_user).post("/process-templates/relevance_check/install", {"pipeline": pipeline.pk})
    assert answer.status_code == 201, answer.content
    assert list(ProcessTrigger.objects.filter(process_key="relevance_check").values_list("kind", "pipeline_id")) == [
        ("deal_created", pipeline.pk)]


def test_bad_input_gets_a_json_error_and_installs_nothing(api, admin_user, pipeline):
    unknown_pipeline = api(admin_user).post("/process-templates/sla_call_90s/install", {"pipeline": 999999})
    assert unknown_pipeline.status_code == 400
    assert unknown_pipeline.json()["fields"] == {"pipeline": [unknown_pipeline.json()["fields"]["pipeline"][0]]}
    typo = api(admin_user).post("/process-templates/sla_call_90s/install", {"pipline": pipeline.pk})
    assert typo.status_code == 400
    assert "pipline" in typo.json()["fields"]
    unknown = api(admin_user).post("/process-templates/nope/install")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "not_found"
    assert not ProcessDefinition.objects.exists()


@pytest.mark.parametrize("persona", ["lead_a", "manager_a"])
def test_only_an_administrator_lists_and_installs_templates(api, request, persona):
    user = request.getfixturevalue(persona)
    listed = api(user).get("/process-templates")
    installed = api(user).post("/process-templates/sla_call_90s/install")
    assert (listed.status_code, installed.status_code) == (403, 403)
    assert installed.json()["error"] == "forbidden"
    assert not ProcessDefinition.objects.exists()
    assert not ProcessTrigger.objects.exists()
