import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from podbor.conftest import stage_named
from podbor.crm.services import contact_create, deal_create, task_create


def _deal(actor, pipeline, name, phone=None, source=""):
    contact = contact_create(actor=actor, full_name=name, phones=[phone] if phone else [])
    return deal_create(actor=actor, title=f"{name} — кассир", pipeline=pipeline, contact=contact, source=source)


def _column(html: str, stage_id: int) -> str:
    start = html.index(f'data-stage-id="{stage_id}"')
    end = html.find('<section class="board-column ', start)
    return html[start:end if end != -1 else None]


def test_board_shows_a_column_per_stage_with_counts_and_cards(client, pipeline, manager_a):
    first = _deal(manager_a, pipeline, "Иванов Иван", source="hh.ru")
    second = _deal(manager_a, pipeline, "Петров Пётр")
    task_create(actor=manager_a, title="Позвонить утром", deal=first)
    client.force_login(manager_a)

    html = client.get(reverse("crm-board")).content.decode()

    assert html.count('class="board-column ') == pipeline.stages.count()
    new = _column(html, stage_named(pipeline, "Новый отклик").pk)
    assert re.search(r'class="board-count">2<', new)
    assert 'class="board-cards"' in new
    assert f'data-deal-id="{first.pk}"' in new and f'data-deal-id="{second.pk}"' in new
    assert "Иванов Иван" in new and "hh.ru" in new and "Позвонить утром" in new
    assert re.search(r'class="board-count">0<', _column(html, stage_named(pipeline, "Квалификация").pk))


def test_board_hides_deals_of_another_team(client, pipeline, manager_a, manager_b):
    theirs = _deal(manager_b, pipeline, "Чужой Кандидат")
    client.force_login(manager_a)
    html = client.get(reverse("crm-board-pipeline", args=[pipeline.pk])).content.decode()
    assert f'data-deal-id="{theirs.pk}"' not in html
    assert "Чужой" not in html


def test_a_column_shows_one_page_of_cards_and_the_rest_on_show_more(client, pipeline, manager_a, settings):
    settings.BOARD_COLUMN_PAGE = 2
    deals = [_deal(manager_a, pipeline, f"Кандидат {n}") for n in range(3)]
    stage = stage_named(pipeline, "Новый отклик")
    client.force_login(manager_a)

    column = _column(client.get(reverse("crm-board")).content.decode(), stage.pk)
    assert column.count('class="deal-card"') == 2
    assert re.search(r'class="board-count">3<', column)
    assert f'data-deal-id="{deals[0].pk}"' not in column  # newest first

    more = client.post(reverse("crm-board-more", args=[pipeline.pk, stage.pk]), {"offset": 2}).content.decode()
    assert more.count('class="deal-card"') == 1
    assert f'data-deal-id="{deals[0].pk}"' in more
    assert "hx-post" not in more  # nothing further to load


def test_text_filter_is_posted_and_finds_a_deal_by_phone(client, pipeline, manager_a):
    wanted = _deal(manager_a, pipeline, "Смирнова Ольга", phone="+7 912 555-44-33")
    other = _deal(manager_a, pipeline, "Кузнецов Павел", phone="89120001122")
    client.force_login(manager_a)
    url = reverse("crm-board-columns", args=[pipeline.pk])

    assert client.get(url, {"q": "89125554433"}).status_code == 405
    html = client.post(url, {"q": "8 (912) 555 44 33"}).content.decode()

    assert f'data-deal-id="{wanted.pk}"' in html
    assert f'data-deal-id="{other.pk}"' not in html


def test_responsible_and_source_filters_narrow_the_board(client, pipeline, manager_a, manager_a2):
    mine = _deal(manager_a, pipeline, "Мой Кандидат", source="hh.ru")
    colleague = _deal(manager_a2, pipeline, "Чужой Кандидат", source="Авито")
    client.force_login(manager_a)

    by_person = client.get(reverse("crm-board"), {"responsible": manager_a2.pk}).content.decode()
    assert f'data-deal-id="{colleague.pk}"' in by_person and f'data-deal-id="{mine.pk}"' not in by_person

    by_source = client.post(reverse("crm-board-columns", args=[pipeline.pk]), {"source": "hh.ru"}).content.decode()
    assert f'data-deal-id="{mine.pk}"' in by_source and f'data-deal-id="{colleague.pk}"' not in by_source


@pytest.mark.parametrize("extra", [30])
def test_board_makes_as_many_queries_for_many_deals_as_for_few(client, pipeline, manager_a, extra):
    _deal(manager_a, pipeline, "Первый Кандидат")
    client.force_login(manager_a)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("crm-board"))
    for n in range(extra):
        deal = _deal(manager_a, pipeline, f"Кандидат {n}", phone=f"+7 900 000-00-{n:02d}")
        task_create(actor=manager_a, title="Позвонить", deal=deal)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("crm-board"))
    assert len(many.captured_queries) == len(few.captured_queries)
