"""The instance viewer: the diagram of the instance's version with where it waits and the path it took, its steps,
its variables; an administrator may cancel it."""

import json

import pytest

from podbor.automation.models import ProcessInstance
from podbor.automation.services import process_start
from podbor.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _viewer_config(content: bytes) -> dict:
    """The JSON the page hands to viewer.js."""
    script = content.split(b'<script id="podbor-viewer-config" type="application/json">', 1)[1]
    return json.loads(script.split(b"</script>", 1)[0])


def test_the_viewer_shows_where_the_instance_waits_and_the_path(client, lead_a, admin_user, call_process, deal_a):
    instance = process_start(definition=call_process, deal=deal_a, actor=admin_user, variables={"source": "hh.ru"})
    _login(client, lead_a)

    page = client.get(f"/processes/instances/{instance.pk}/")

    assert page.status_code == 200
    config = _viewer_config(page.content)
    assert config["waiting"] == ["call"]
    assert config["taken"][0] == "start"
    assert config["xml"] == call_process.bpmn_xml
    assert b'id="waiting-at"' in page.content
    assert b'<span class="chip" data-element-id="call">' in page.content
    assert b'data-element-id="start"' in page.content  # the step history
    assert "hh.ru" in page.context["variables"]
    assert b"vendor/podbor-viewer.js" in page.content


def test_an_admin_cancels_an_instance(client, admin_user, call_process, deal_a):
    instance = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    _login(client, admin_user)

    answer = client.post(f"/processes/instances/{instance.pk}/cancel")

    assert answer.status_code == 302
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.CANCELLED
    page = client.get(f"/processes/instances/{instance.pk}/")
    assert b'id="instance-cancel"' not in page.content


def test_a_team_lead_may_not_cancel(client, lead_a, admin_user, call_process, deal_a):
    instance = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    _login(client, lead_a)

    assert client.post(f"/processes/instances/{instance.pk}/cancel").status_code == 403
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.WAITING


def test_the_instance_list_filters_by_status(client, lead_a, admin_user, call_process, deal_a):
    waiting = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    cancelled = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    client.force_login(admin_user)
    client.post(f"/processes/instances/{cancelled.pk}/cancel")
    _login(client, lead_a)

    open_rows = client.get("/processes/call_candidate/instances/").context["page_obj"]
    cancelled_rows = client.get("/processes/call_candidate/instances/?status=cancelled").context["page_obj"]
    every_row = client.get("/processes/call_candidate/instances/?status=all&version=1").context["page_obj"]

    assert [r.pk for r in open_rows] == [waiting.pk]
    assert [r.pk for r in cancelled_rows] == [cancelled.pk]
    assert {r.pk for r in every_row} == {waiting.pk, cancelled.pk}
