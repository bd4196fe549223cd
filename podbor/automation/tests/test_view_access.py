"""Who reaches which process page: administrators design, team leads run instances and incidents, managers see the
processes of the deals they may see."""

import pytest

from podbor.automation.services import process_start
from podbor.automation.tests.diagrams import call_diagram
from podbor.conftest import PASSWORD
from podbor.crm.services import deal_create

pytestmark = pytest.mark.django_db

DESIGN_PAGES = ["/processes/new/", "/processes/call_candidate/", "/processes/call_candidate/download"]
OPERATE_PAGES = ["/processes/", "/processes/incidents/", "/processes/call_candidate/instances/"]


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_an_admin_reaches_every_process_page(client, admin_user, call_process):
    _login(client, admin_user)
    for url in DESIGN_PAGES + OPERATE_PAGES:
        assert client.get(url).status_code == 200, url
    assert b'id="nav-processes"' in client.get("/processes/").content


def test_a_team_lead_runs_instances_but_does_not_design(client, lead_a, call_process):
    _login(client, lead_a)
    for url in OPERATE_PAGES:
        assert client.get(url).status_code == 200, url
    for url in DESIGN_PAGES:
        assert client.get(url).status_code == 403, url
    answer = client.post("/processes/deploy", data=call_diagram("other"), content_type="application/xml")
    assert answer.status_code == 403
    assert b'id="process-new"' not in client.get("/processes/").content


def test_a_manager_sees_no_process_pages(client, manager_a, call_process):
    _login(client, manager_a)
    for url in DESIGN_PAGES + OPERATE_PAGES:
        assert client.get(url).status_code == 403, url
    assert b'id="nav-processes"' not in client.get("/").content


def test_an_instance_is_visible_to_whoever_may_see_its_deal(client, manager_a, manager_b, lead_a, admin_user,
                                                            call_process, deal_a):
    instance = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    url = f"/processes/instances/{instance.pk}/"
    for user in (manager_a, lead_a, admin_user):
        _login(client, user)
        assert client.get(url).status_code == 200, user.username
    _login(client, manager_b)
    assert client.get(url).status_code == 404
    assert client.get(f"/processes/deal/{deal_a.pk}/").status_code == 404


def test_a_team_lead_lists_only_the_instances_of_deals_they_may_see(client, lead_a, manager_b, admin_user, pipeline,
                                                                    call_process, deal_a):
    other = deal_create(actor=manager_b, title="Чужая сделка", pipeline=pipeline)
    mine = process_start(definition=call_process, deal=deal_a, actor=admin_user)
    theirs = process_start(definition=call_process, deal=other, actor=admin_user)
    _login(client, lead_a)

    listing = client.get("/processes/call_candidate/instances/")

    shown = [row.pk for row in listing.context["page_obj"]]
    assert mine.pk in shown
    assert theirs.pk not in shown


def test_anonymous_people_are_sent_to_the_login(client, call_process):
    for url in DESIGN_PAGES + OPERATE_PAGES:
        answer = client.get(url)
        assert answer.status_code == 302 and "/login/" in answer["Location"], url
