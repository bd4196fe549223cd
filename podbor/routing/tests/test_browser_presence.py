"""The issue's browser test: a manager on Pause gets no new lead; back At work, the queued lead comes to them.

Playwright drives Debian's chromium against the live server; the lead arrives through the intake endpoint like a
job board's delivery, and the distribution engine (podbor.routing) decides.
"""

import time

import httpx
import pytest
from playwright.sync_api import expect

from podbor.accounts.models import User
from podbor.conftest import PASSWORD
from podbor.crm.models import Deal
from podbor.intake.services import source_create
from podbor.routing.models import DistributionRule, QueuedDeal, RuleMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rule(pipeline, manager_a) -> DistributionRule:
    """New leads of the pipeline go round robin to the managers at work; the manager is the only member."""
    made = DistributionRule.objects.create(name="Отклики", pipeline=pipeline,
                                           strategy=DistributionRule.Strategy.ROUND_ROBIN, only_present=True)
    RuleMember.objects.create(rule=made, user=manager_a)
    return made


def _deliver_lead(live_server, pipeline) -> Deal:
    """A new response posted to the live server's intake endpoint, as a job board would."""
    source, token = source_create(name="Сайт", kind="generic", pipeline=pipeline)
    answer = httpx.post(f"{live_server.url}/api/v1/intake/{source.slug}", params={"token": token}, timeout=15,
                        json={"external_id": "site-1", "full_name": "Новикова Ольга", "phones": ["+7 916 7654321"],
                              "vacancy": "Кассир"})
    assert answer.status_code in (200, 202)
    return _eventually(lambda: Deal.objects.filter(source="Сайт").first(), "the lead did not become a deal")


def _eventually(probe, failure: str, seconds: float = 10):
    """Background jobs run inline here, but the live server answers from its own thread: wait a little."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(failure)


def _switch(tab, status: str) -> None:
    """One click on the header's presence button; the switch is redrawn in place with that button pressed."""
    button = tab.locator(f"#presence-slot .presence-switch__btn--{status}")
    tab.evaluate("window.presenceTestMarker = 1")
    with tab.expect_response(lambda r: r.request.method == "POST" and "/me/presence/" in r.url) as answered:
        button.click()
    assert answered.value.status == 200
    expect(tab.locator(f"#presence-slot .presence-switch__btn--{status}")).to_have_attribute("aria-pressed", "true")
    expect(tab.locator("#presence-slot .presence-switch__btn.is-active")).to_have_count(1)
    assert tab.evaluate("window.presenceTestMarker") == 1, "the page was reloaded, not updated in place"


def _card(tab, deal):
    return tab.locator(f'.deal-card[data-deal-id="{deal.pk}"]')


def test_a_lead_waits_while_the_manager_is_on_pause_and_comes_when_they_are_back_at_work(
    page, log_in, live_server, manager_a, pipeline, rule
):
    log_in(manager_a, PASSWORD)
    _switch(page, "pause")
    assert User.objects.get(pk=manager_a.pk).presence == "pause"

    deal = _deliver_lead(live_server, pipeline)

    _eventually(lambda: QueuedDeal.objects.filter(deal=deal).exists(), "the lead is not in the unassigned queue")
    deal.refresh_from_db()
    assert deal.responsible_id is None
    page.reload()
    expect(_card(page, deal)).to_have_count(0)

    _switch(page, "at_work")

    _eventually(lambda: Deal.objects.filter(pk=deal.pk, responsible=manager_a).exists(),
                "the queued lead did not come to the manager back at work")
    assert not QueuedDeal.objects.filter(deal=deal).exists()
    page.reload()
    expect(_card(page, deal)).to_have_count(1)
    expect(page.locator("#presence-slot .presence-switch__btn--at_work")).to_have_attribute("aria-pressed", "true")
