"""The deal card's "Processes" section: the deal's instances, and a process started from the card."""

import pytest

from podbor.automation.models import ProcessInstance, ProcessUserTask
from podbor.automation.services import process_start
from podbor.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_deal_card_offers_the_active_processes(client, manager_a, call_process, deal_a):
    _login(client, manager_a)

    card = client.get(f"/deals/{deal_a.pk}/")

    assert card.status_code == 200
    assert b'id="deal-processes"' in card.content
    assert b'value="call_candidate"' in card.content


def test_a_process_started_from_the_deal_card_waits_at_its_user_task(client, manager_a, call_process, deal_a):
    _login(client, manager_a)

    answer = client.post(f"/processes/deal/{deal_a.pk}/start", {"process": "call_candidate"}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200
    instance = ProcessInstance.objects.get(deal=deal_a)
    assert instance.status == ProcessInstance.Status.WAITING
    assert instance.started_by == manager_a
    assert [w["id"] for w in instance.waiting_at] == ["call"]
    assert f'data-instance="{instance.pk}"'.encode() in answer.content
    assert b'data-element-id="call"' in answer.content
    assert "tasks-changed" in answer["HX-Trigger"]
    link = ProcessUserTask.objects.get(instance=instance)
    assert link.task.deal == deal_a


def test_without_htmx_the_start_goes_back_to_the_deal_card(client, manager_a, call_process, deal_a):
    _login(client, manager_a)

    answer = client.post(f"/processes/deal/{deal_a.pk}/start", {"process": "call_candidate"})

    assert answer.status_code == 302
    assert answer["Location"] == f"/deals/{deal_a.pk}/"
    assert ProcessInstance.objects.filter(deal=deal_a).count() == 1
    card = client.get(answer["Location"])
    assert f'data-instance="{ProcessInstance.objects.get().pk}"'.encode() in card.content


def test_an_unknown_process_is_an_error_in_the_section(client, manager_a, call_process, deal_a):
    _login(client, manager_a)

    answer = client.post(f"/processes/deal/{deal_a.pk}/start", {"process": "nope"}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 200
    assert b'id="process-error"' in answer.content
    assert not ProcessInstance.objects.exists()


def test_nobody_starts_a_process_on_a_deal_they_may_not_see(client, manager_b, call_process, deal_a):
    _login(client, manager_b)

    answer = client.post(f"/processes/deal/{deal_a.pk}/start", {"process": "call_candidate"}, HTTP_HX_REQUEST="true")

    assert answer.status_code == 404
    assert not ProcessInstance.objects.exists()


def test_the_section_reloads_with_the_deals_instances(client, manager_a, admin_user, call_process, deal_a):
    instance = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    _login(client, manager_a)

    answer = client.get(f"/processes/deal/{deal_a.pk}/")

    assert answer.status_code == 200
    assert [row.pk for row in answer.context["instances"]] == [instance.pk]
