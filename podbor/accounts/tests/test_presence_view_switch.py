"""The presence switch in the header of every page: one click, through HTMX or a plain form post."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from podbor.accounts.models import PresenceChange, User, WorkSchedule


def _switch(client, status, **headers):
    return client.post(reverse("accounts-presence-set"), {"status": status, "next": "/tasks/"}, **headers)


@pytest.mark.parametrize("page", ["crm-board", "crm-contacts", "crm-my-tasks", "accounts-tokens"])
def test_every_page_has_the_switch_with_the_current_status_pressed(client, manager_a, page):
    client.force_login(manager_a)

    html = client.get(reverse(page)).content.decode()

    assert 'id="presence-slot"' in html
    for status in ("at_work", "pause", "off"):
        assert f'name="status" value="{status}"' in html
    assert 'presence-switch__btn presence-switch__btn--off is-active' in html


def test_an_htmx_click_switches_and_answers_the_switch_to_put_in_place(client, manager_a):
    client.force_login(manager_a)

    response = _switch(client, "pause", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="presence-switch__btn presence-switch__btn--pause is-active"' in html
    assert "<html" not in html
    assert response["HX-Trigger"] == "presence-changed"
    assert User.objects.get(pk=manager_a.pk).presence == "pause"
    assert PresenceChange.objects.get(user=manager_a).via == "ui"


def test_without_javascript_the_form_switches_and_goes_back_to_the_page(client, manager_a):
    client.force_login(manager_a)

    response = _switch(client, "at_work")

    assert response.status_code == 302 and response["Location"] == "/tasks/"
    assert User.objects.get(pk=manager_a.pk).presence == "at_work"


def test_a_next_on_another_site_is_not_followed(client, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("accounts-presence-set"), {"status": "pause", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("crm-board")


def test_the_switch_says_off_by_schedule_outside_the_working_hours(client, manager_a):
    other_day = (datetime.date.today().weekday() + 3) % 7
    WorkSchedule.objects.create(user=manager_a, weekday=other_day, starts_at=datetime.time(9),
                                ends_at=datetime.time(18))
    client.force_login(manager_a)

    html = _switch(client, "at_work", HTTP_HX_REQUEST="true").content.decode()

    assert 'data-presence="at_work" data-presence-effective="off"' in html
    assert "presence-switch__note" in html


def test_an_unknown_status_is_a_400_and_changes_nothing(client, manager_a):
    client.force_login(manager_a)
    assert _switch(client, "lunch", HTTP_HX_REQUEST="true").status_code == 400
    assert User.objects.get(pk=manager_a.pk).presence == "off"


def test_a_post_without_the_csrf_token_is_refused(manager_a):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager_a)
    assert _switch(strict, "at_work").status_code == 403
    assert User.objects.get(pk=manager_a.pk).presence == "off"


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = _switch(client, "at_work")
    assert response.status_code == 302 and reverse("accounts-login") in response["Location"]


def test_a_get_is_not_allowed(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("accounts-presence-set")).status_code == 405
