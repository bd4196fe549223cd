"""A step that keeps failing stops its instance as an incident; a team lead finds it on the incidents page, fixes the
cause and retries: the failed step runs again and the instance goes on."""

import datetime

import pytest
from django.utils import timezone

from podbor.automation.models import ProcessInstance
from podbor.automation.services import MAX_ATTEMPTS, instance_wake, process_deploy, process_start
from podbor.automation.tests.diagrams import move_then_call_diagram
from podbor.conftest import PASSWORD
from podbor.crm.models import Stage

pytestmark = pytest.mark.django_db


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _incident(admin_user, deal) -> ProcessInstance:
    """Start the offer process while the pipeline has no "Оффер" stage and let every retry fail."""
    definition = process_deploy(xml=move_then_call_diagram(), actor=admin_user)
    return _incident_again(process_start(definition=definition, deal=deal, actor=admin_user))


def _incident_again(instance: ProcessInstance) -> ProcessInstance:
    for _attempt in range(MAX_ATTEMPTS):
        instance.refresh_from_db()
        if instance.status == ProcessInstance.Status.INCIDENT:
            break
        # the backoff is seconds long: make the retry due now instead of sleeping
        ProcessInstance.objects.filter(pk=instance.pk).update(
            next_timer_at=timezone.now() - datetime.timedelta(seconds=1))
        instance_wake(instance_id=instance.pk)
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.INCIDENT
    return instance


def test_an_incident_is_listed_and_a_team_lead_retries_it_after_the_fix(client, lead_a, admin_user, pipeline, deal_a):
    instance = _incident(admin_user, deal_a)
    assert instance.incident["element_id"] == "move"
    _login(client, lead_a)

    page = client.get("/processes/incidents/")
    assert [row.pk for row in page.context["page_obj"]] == [instance.pk]
    assert f'data-instance="{instance.pk}"'.encode() in page.content

    Stage.objects.create(pipeline=pipeline, name="Оффер", order=6)
    answer = client.post(f"/processes/instances/{instance.pk}/retry", {"next": "/processes/incidents/"})

    assert answer.status_code == 302
    assert answer["Location"] == "/processes/incidents/"
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.WAITING
    assert [w["id"] for w in instance.waiting_at] == ["call"]
    deal_a.refresh_from_db()
    assert deal_a.stage.name == "Оффер"
    assert list(client.get("/processes/incidents/").context["page_obj"]) == []


def test_a_retry_that_fails_again_is_retried_by_itself_then_is_an_incident_again(client, admin_user, deal_a):
    instance = _incident(admin_user, deal_a)
    _login(client, admin_user)

    answer = client.post(f"/processes/instances/{instance.pk}/retry")

    assert answer.status_code == 302
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.RUNNING  # attempts start over, with backoff
    assert instance.incident["element_id"] == "move"
    assert _incident_again(instance).status == ProcessInstance.Status.INCIDENT


def test_a_manager_may_not_retry(client, manager_a, admin_user, deal_a):
    instance = _incident(admin_user, deal_a)
    _login(client, manager_a)

    assert client.post(f"/processes/instances/{instance.pk}/retry").status_code == 403
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.Status.INCIDENT


def test_the_incident_shows_on_the_instance_page_with_its_element(client, lead_a, admin_user, deal_a):
    instance = _incident(admin_user, deal_a)
    _login(client, lead_a)

    page = client.get(f"/processes/instances/{instance.pk}/")

    assert page.context["incident"]["element_id"] == "move"
    assert page.context["viewer"]["incident"] == "move"
    assert b'id="instance-retry"' in page.content
    assert b'id="instance-cancel"' not in page.content  # cancelling is for administrators
