"""The header's presence switch in a real browser: one click redraws it in place; an expired session goes to the
login page instead of drawing that page inside the header."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from podbor.accounts.models import PresenceChange, User
from podbor.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _button(tab, status):
    return tab.locator(f"#presence-slot .presence-switch__btn--{status}")


def test_one_click_switches_in_place_on_any_page(page, log_in, live_server, manager_a):
    log_in(manager_a, PASSWORD)
    page.goto(f"{live_server.url}/tasks/")
    expect(_button(page, "off")).to_have_attribute("aria-pressed", "true")
    page.evaluate("window.presenceTestMarker = 1")

    _button(page, "at_work").click()

    expect(_button(page, "at_work")).to_have_attribute("aria-pressed", "true")
    expect(_button(page, "off")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.presenceTestMarker") == 1
    assert page.url.endswith("/tasks/")
    assert User.objects.get(pk=manager_a.pk).presence == "at_work"
    assert PresenceChange.objects.filter(user=manager_a, status="at_work", via="ui").count() == 1


def test_a_click_after_the_session_expired_leads_to_the_login_page(page, log_in, live_server, manager_a):
    log_in(manager_a, PASSWORD)
    Session.objects.all().delete()

    with page.expect_navigation():
        _button(page, "pause").click()

    assert "/login/" in page.url
    expect(page.locator("#presence-slot")).to_have_count(0)
    assert User.objects.get(pk=manager_a.pk).presence == "off"
