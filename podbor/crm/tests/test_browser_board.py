"""A manager drags a card on the board in a real browser (Playwright driving Debian's chromium)."""

import pytest
from playwright.sync_api import expect

from podbor.conftest import PASSWORD, stage_named
from podbor.crm.models import Deal
from podbor.crm.services import contact_create, deal_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deal(pipeline, manager_a) -> Deal:
    contact = contact_create(actor=manager_a, full_name="Смирнова Анна Петровна", phones=["+7 916 1234567"])
    return deal_create(actor=manager_a, title="Смирнова — кассир", pipeline=pipeline, contact=contact)


def _card(page, stage, deal):
    return page.locator(f'.board-column[data-stage-id="{stage.pk}"] .deal-card[data-deal-id="{deal.pk}"]')


def _drag(page, card, target) -> None:
    """Press, move in small steps and release, so that SortableJS sees a real drag."""
    start, end = card.bounding_box(), target.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y + 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 60), steps=25)
    page.mouse.up()


def _is_move(response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/move")


def test_a_card_dragged_to_the_next_stage_stays_there_after_a_reload(page, log_in, manager_a, pipeline, deal):
    first, second = stage_named(pipeline, "Новый отклик"), stage_named(pipeline, "Квалификация")
    log_in(manager_a, PASSWORD)
    expect(_card(page, first, deal)).to_have_count(1)
    target = page.locator(f'.board-column[data-stage-id="{second.pk}"] .board-cards')

    with page.expect_response(_is_move) as moved:
        _drag(page, _card(page, first, deal), target)
    assert moved.value.status == 200

    page.reload()
    expect(_card(page, second, deal)).to_have_count(1)
    expect(_card(page, first, deal)).to_have_count(0)
    expect(page.locator(f'.board-column[data-stage-id="{second.pk}"] .board-count')).to_have_text("1")
    deal.refresh_from_db()
    assert deal.stage == second


def test_a_card_dragged_to_a_guarded_stage_names_the_missing_field_and_goes_back(
    page, log_in, manager_a, pipeline, deal
):
    first, guarded = stage_named(pipeline, "Новый отклик"), stage_named(pipeline, "Собеседование назначено")
    log_in(manager_a, PASSWORD)
    target = page.locator(f'.board-column[data-stage-id="{guarded.pk}"] .board-cards')

    with page.expect_response(_is_move) as refused:
        _drag(page, _card(page, first, deal), target)
    assert refused.value.status == 422

    expect(page.locator("#board-error")).to_be_visible()
    expect(page.locator("#board-error")).to_contain_text("Дата собеседования")
    expect(_card(page, first, deal)).to_have_count(1)
    expect(_card(page, guarded, deal)).to_have_count(0)
    deal.refresh_from_db()
    assert deal.stage == first
