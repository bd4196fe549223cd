from django.urls import reverse

from podbor.conftest import stage_named
from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_stage_bar_moves_the_deal(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    target = stage_named(pipeline, "Квалификация")
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-stage", args=[deal.pk]), {"stage": target.pk}, **HTMX)
    assert response.status_code == 200
    assert 'aria-current="step"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage == target


def test_the_stage_bar_shows_which_fields_the_guard_wants(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-stage", args=[deal.pk]),
                           {"stage": stage_named(pipeline, "Собеседование назначено").pk}, **HTMX)
    html = response.content.decode()
    assert 'id="stage-error"' in html and 'data-field="custom.interview_date"' in html
    assert "Дата собеседования" in html
    deal.refresh_from_db()
    assert deal.stage.name == "Новый отклик"
