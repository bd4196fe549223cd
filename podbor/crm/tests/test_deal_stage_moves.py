from datetime import timedelta

import pytest
from django.utils import timezone

from podbor.conftest import stage_named
from podbor.crm.models import Deal, LostReason, Pipeline, Stage, StageChange, TimelineEntry
from podbor.crm.services import deal_close_lost, deal_create, deal_move_to_stage
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)


@pytest.fixture
def other_pipeline(db):
    other = Pipeline.objects.create(name="Клиенты")
    Stage.objects.create(pipeline=other, name="Запрос", order=1)
    Stage.objects.create(pipeline=other, name="Отказ клиента", order=2, kind=Stage.Kind.LOST)
    LostReason.objects.create(pipeline=other, name="Дорого")
    return other


def test_a_stage_of_another_pipeline_is_refused(deal, manager_a, other_pipeline):
    with pytest.raises(ValidationFailed) as refused:
        deal_move_to_stage(deal=deal, stage=other_pipeline.stages.first(), actor=manager_a)
    assert list(refused.value.fields) == ["stage"]
    assert Deal.objects.get(pk=deal.pk).stage == deal.stage


def test_moving_to_lost_needs_a_reason_of_the_same_pipeline(deal, pipeline, manager_a, other_pipeline):
    lost = stage_named(pipeline, "Отказ")
    with pytest.raises(ValidationFailed) as refused:
        deal_move_to_stage(deal=deal, stage=lost, actor=manager_a)
    assert list(refused.value.fields) == ["lost_reason"]
    with pytest.raises(ValidationFailed) as refused:
        deal_move_to_stage(deal=deal, stage=lost, actor=manager_a, lost_reason=other_pipeline.lost_reasons.get())
    assert list(refused.value.fields) == ["lost_reason"]
    with pytest.raises(ValidationFailed):
        deal_close_lost(deal=deal, reason=other_pipeline.lost_reasons.get(), actor=manager_a)
    assert Deal.objects.get(pk=deal.pk).closed_at is None
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_losing_closes_the_deal_with_its_reason(deal, pipeline, manager_a):
    reason = pipeline.lost_reasons.get(name="Не подходит")
    moved = deal_close_lost(deal=deal, reason=reason, actor=manager_a)
    assert moved.stage.name == "Отказ"
    assert moved.closed_at is not None and moved.lost_reason == reason
    entry = TimelineEntry.objects.get(deal=deal, kind=TimelineEntry.Kind.STAGE)
    assert entry.text.endswith("Не подходит")
    assert entry.data["lost_reason"] == reason.pk


def test_winning_closes_the_deal(deal, pipeline, manager_a):
    moved = deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Работает"), actor=manager_a)
    assert moved.closed_at is not None and moved.lost_reason is None


def test_moving_back_to_an_open_stage_reopens_the_deal(deal, pipeline, manager_a):
    deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=manager_a)
    reopened = deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Квалификация"), actor=manager_a)
    reopened.refresh_from_db()
    assert (reopened.closed_at, reopened.lost_reason) == (None, None)
    assert reopened.is_open


def test_a_reason_given_for_an_open_stage_is_ignored(deal, pipeline, manager_a):
    moved = deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Квалификация"), actor=manager_a,
                               lost_reason=pipeline.lost_reasons.first())
    assert moved.lost_reason is None
    entry = TimelineEntry.objects.get(deal=deal, kind=TimelineEntry.Kind.STAGE)
    assert "Не дозвонились" not in entry.text and entry.data["lost_reason"] is None


def test_every_change_keeps_from_to_who_when_and_the_time_on_the_previous_stage(deal, pipeline, manager_a, lead_a):
    Deal.objects.filter(pk=deal.pk).update(stage_entered_at=timezone.now() - timedelta(hours=2))
    before = timezone.now()
    deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Квалификация"), actor=lead_a)
    change = StageChange.objects.filter(deal=deal).last()
    assert (change.from_stage.name, change.to_stage.name, change.actor) == ("Новый отклик", "Квалификация", lead_a)
    assert change.at >= before
    assert 7200 <= change.seconds_on_previous < 7260
    assert Deal.objects.get(pk=deal.pk).stage_entered_at == change.at


def test_a_move_leaves_a_stage_event(deal, pipeline, manager_a):
    target = stage_named(pipeline, "Квалификация")
    deal_move_to_stage(deal=deal, stage=target, actor=manager_a)
    event = DomainEvent.objects.get(kind="deal.stage_changed")
    assert event.payload == {"from": deal.stage_id, "to": target.pk, "pipeline": pipeline.pk, "kind": "open"}


def test_moving_to_the_current_stage_changes_nothing(deal, manager_a):
    deal_move_to_stage(deal=deal, stage=deal.stage, actor=manager_a)
    assert StageChange.objects.filter(deal=deal).count() == 1
    assert not DomainEvent.objects.filter(kind="deal.stage_changed").exists()


def test_a_stale_instance_is_moved_from_where_the_deal_really_is(deal, pipeline, manager_a):
    deal_move_to_stage(deal=Deal.objects.get(pk=deal.pk), stage=stage_named(pipeline, "Квалификация"),
                       actor=manager_a)
    deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Работает"), actor=manager_a)
    assert StageChange.objects.filter(deal=deal).last().from_stage.name == "Квалификация"
