import json

from django.urls import reverse

from podbor.conftest import stage_named
from podbor.crm.models import Deal, StageChange
from podbor.crm.services import contact_create, deal_create, deal_update


def _deal(actor, pipeline):
    contact = contact_create(actor=actor, full_name="Иванов Иван", phones=["+7 999 123-45-67"])
    return deal_create(actor=actor, title="Иванов — кассир", pipeline=pipeline, contact=contact)


def _move(client, deal, stage, **extra):
    return client.post(reverse("crm-deal-move", args=[deal.pk]), {"stage": stage.pk, **extra})


def test_dropping_a_card_on_another_column_moves_the_deal(client, pipeline, manager_a):
    deal = _deal(manager_a, pipeline)
    target = stage_named(pipeline, "Квалификация")
    client.force_login(manager_a)

    response = _move(client, deal, target)

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["stage"] == target.pk
    assert f'data-deal-id="{deal.pk}"' in body["card"]
    deal.refresh_from_db()
    assert deal.stage == target


def test_a_guard_refusal_answers_422_with_the_missing_field_and_changes_nothing(client, pipeline, manager_a):
    deal = _deal(manager_a, pipeline)
    before = StageChange.objects.filter(deal=deal).count()
    client.force_login(manager_a)

    response = _move(client, deal, stage_named(pipeline, "Собеседование назначено"))

    assert response.status_code == 422
    body = json.loads(response.content)
    assert body["ok"] is False
    assert [m["field"] for m in body["missing"]] == ["custom.interview_date"]
    assert body["missing"][0]["label"] == "Дата собеседования"
    deal.refresh_from_db()
    assert deal.stage.name == "Новый отклик"
    assert StageChange.objects.filter(deal=deal).count() == before


def test_the_guarded_move_passes_once_the_field_is_filled(client, pipeline, manager_a):
    deal = _deal(manager_a, pipeline)
    deal_update(deal=deal, actor=manager_a, custom={"interview_date": "2026-12-01"})
    client.force_login(manager_a)
    assert _move(client, deal, stage_named(pipeline, "Собеседование назначено")).status_code == 200


def test_another_teams_deal_cannot_be_moved(client, pipeline, manager_a, manager_b):
    deal = _deal(manager_b, pipeline)
    client.force_login(manager_a)
    assert _move(client, deal, stage_named(pipeline, "Квалификация")).status_code == 404
    assert Deal.objects.get(pk=deal.pk).stage.name == "Новый отклик"


def test_moving_onto_lost_needs_a_reason_of_the_pipeline(client, pipeline, manager_a):
    deal = _deal(manager_a, pipeline)
    lost = stage_named(pipeline, "Отказ")
    client.force_login(manager_a)

    refused = _move(client, deal, lost)
    assert refused.status_code == 400
    assert "lost_reason" in refused.json()["fields"]

    reason = pipeline.lost_reasons.get(name="Не подходит")
    assert _move(client, deal, lost, lost_reason=reason.pk).status_code == 200
    deal.refresh_from_db()
    assert (deal.stage, deal.lost_reason, deal.closed_at is not None) == (lost, reason, True)


def test_a_stage_of_another_pipeline_is_refused(client, pipeline, manager_a):
    from podbor.crm.models import Pipeline, Stage

    other = Pipeline.objects.create(name="Клиенты")
    stage = Stage.objects.create(pipeline=other, name="Бриф", order=1)
    deal = _deal(manager_a, pipeline)
    client.force_login(manager_a)
    assert _move(client, deal, stage).status_code == 400
    assert client.post(reverse("crm-deal-move", args=[deal.pk]), {"stage": "x"}).status_code == 400
