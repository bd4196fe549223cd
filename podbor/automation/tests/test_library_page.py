"""The template library page: an administrator sees every shipped template, previews its diagram and installs it
in one click (once: a second click changes nothing), optionally in one pipeline; nobody else reaches it."""

import pytest
from django.contrib.messages import get_messages

from podbor.automation.library import TEMPLATES
from podbor.automation.models import ProcessDefinition, ProcessTrigger
from podbor.automation.services import process_deploy
from podbor.conftest import PASSWORD
from podbor.crm.models import Pipeline

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _level(response) -> str:
    """The level of the message the answer left for the next page (success, info or error)."""
    return [m.level_tag for m in get_messages(response.wsgi_request)][-1]


def test_the_library_shows_a_card_per_template_and_is_linked_from_the_process_list(client, admin_user):
    _login(client, admin_user)
    page = client.get("/processes/templates/")
    assert page.status_code == 200
    assert [c.template.key for c in page.context["cards"]] == list(TEMPLATES)
    for key in TEMPLATES:
        assert f'id="template-{key}"'.encode() in page.content
        assert f'action="/processes/templates/{key}/install"'.encode() in page.content
    assert all(c.installed is None for c in page.context["cards"])
    assert b'id="templates-link"' in client.get("/processes/").content


def test_installing_from_the_page_deploys_it_switches_its_trigger_on_and_links_the_designer(client, admin_user):
    _login(client, admin_user)
    answer = client.post("/processes/templates/sla_call_90s/install")
    assert answer.status_code == 302
    assert answer["Location"] == "/processes/templates/#template-sla_call_90s"
    assert _level(answer) == "success"
    definition = ProcessDefinition.objects.get(key="sla_call_90s")
    assert definition.version == 1
    trigger = ProcessTrigger.objects.get(process_key="sla_call_90s")
    assert (trigger.kind, trigger.pipeline_id, trigger.is_active) == ("deal_created", None, True)

    page = client.get("/processes/templates/")
    card = next(c for c in page.context["cards"] if c.template.key == "sla_call_90s")
    assert (card.installed.pk, card.edited, len(card.triggers)) == (definition.pk, False, 1)
    assert b'href="/processes/sla_call_90s/" id="open-sla_call_90s"' in page.content
    assert client.get("/processes/sla_call_90s/").status_code == 200


def test_installing_again_from_the_page_changes_nothing(client, admin_user):
    _login(client, admin_user)
    client.post("/processes/templates/stuck_on_stage/install")
    again = client.post("/processes/templates/stuck_on_stage/install")
    assert _level(again) == "info"
    assert ProcessDefinition.objects.filter(key="stuck_on_stage").count() == 1
    assert ProcessTrigger.objects.filter(process_key="stuck_on_stage").count() == 1


def test_a_template_changed_in_the_designer_is_marked_and_reinstalling_asks_first(client, admin_user):
    _login(client, admin_user)
    client.post("/processes/templates/relevance_check/install")
    edited = TEMPLATES["relevance_check"].xml.replace('name="Подходит"', 'name="Подходит, звоним"')
    process_deploy(xml=edited, actor=admin_user)

    page = client.get("/processes/templates/")
    card = next(c for c in page.context["cards"] if c.template.key == "relevance_check")
    assert (card.installed.version, card.edited) == (2, True)
    assert b'id="install-relevance_check"\n      onsubmit="return confirm(this.dataset.confirm)"' in page.content
    assert b'id="install-sla_call_90s">' in page.content  # an untouched template installs without asking


def test_a_chosen_pipeline_limits_the_triggers_to_it(client, admin_user, pipeline):
    other = Pipeline.objects.create(name="Водители")
    _login(client, admin_user)
    client.post("/processes/templates/interview_reminders/install", {"pipeline": pipeline.pk})
    triggers = list(ProcessTrigger.objects.filter(process_key="interview_reminders"))
    assert [(t.kind, t.pipeline_id, t.stage.name) for t in triggers] == [
        ("stage_entered", pipeline.pk, "Собеседование назначено")]
    assert other.pk not in {t.pipeline_id for t in triggers}
    page = client.get("/processes/templates/")
    assert f'<option value="{other.pk}">'.encode() in page.content


def test_installing_where_no_stage_matches_warns_that_no_trigger_is_on(client, admin_user):
    _login(client, admin_user)  # no pipeline at all: no stage requires the interview date
    answer = client.post("/processes/templates/interview_reminders/install")
    assert _level(answer) == "warning"
    assert ProcessDefinition.objects.filter(key="interview_reminders").exists()
    assert not ProcessTrigger.objects.filter(process_key="interview_reminders").exists()


def test_an_unknown_pipeline_is_refused_and_nothing_is_installed(client, admin_user, pipeline):
    _login(client, admin_user)
    for value in ("999999", "abc"):
        answer = client.post("/processes/templates/sla_call_90s/install", {"pipeline": value})
        assert answer.status_code == 302
        assert _level(answer) == "error"
    assert not ProcessDefinition.objects.filter(key="sla_call_90s").exists()


def test_an_unknown_template_is_not_found(client, admin_user):
    _login(client, admin_user)
    assert client.post("/processes/templates/nope/install").status_code == 404
    assert client.get("/processes/templates/nope/").status_code == 404


def test_the_preview_hands_the_shipped_diagram_to_the_viewer(client, admin_user):
    _login(client, admin_user)
    page = client.get("/processes/templates/stuck_on_stage/")
    assert page.status_code == 200
    assert b"vendor/podbor-viewer.js" in page.content
    assert page.context["viewer"]["xml"] == TEMPLATES["stuck_on_stage"].xml
    assert page.context["viewer"]["taken"] == page.context["viewer"]["waiting"] == []  # no instance behind it
    assert b'id="podbor-viewer-config"' in page.content


@pytest.mark.parametrize("persona", ["lead_a", "manager_a"])
def test_only_an_administrator_reaches_the_library(client, request, persona):
    user = request.getfixturevalue(persona)
    _login(client, user)
    assert client.get("/processes/templates/").status_code == 403
    assert client.get("/processes/templates/sla_call_90s/").status_code == 403
    assert client.post("/processes/templates/sla_call_90s/install").status_code == 403
    assert not ProcessDefinition.objects.exists()
    assert b'id="templates-link"' not in client.get("/processes/").content


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    answer = client.post("/processes/templates/sla_call_90s/install")
    assert answer.status_code == 302
    assert "/login/" in answer["Location"]
    assert not ProcessDefinition.objects.exists()
