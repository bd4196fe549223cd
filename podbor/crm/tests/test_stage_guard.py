import pytest

from podbor.conftest import stage_named
from podbor.crm.models import StageChange, TimelineEntry
from podbor.crm.services import contact_create, deal_close_lost, deal_create, deal_move_to_stage, deal_update
from podbor.events.models import DomainEvent
from podbor.lib.errors import GuardFailed, ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван", phones=["8 (999) 123-45-67"])
    return deal_create(actor=manager_a, title="Иванов — кассир", pipeline=pipeline, contact=contact)


def test_new_deal_starts_on_first_stage_with_its_manager_responsible(deal, manager_a):
    assert deal.stage.name == "Новый отклик"
    assert deal.responsible == manager_a
    assert deal.team == manager_a.team
    assert StageChange.objects.filter(deal=deal, from_stage=None).count() == 1


def test_guard_refuses_move_and_lists_missing_fields(deal, pipeline, manager_a):
    target = stage_named(pipeline, "Собеседование назначено")
    with pytest.raises(GuardFailed) as refused:
        deal_move_to_stage(deal=deal, stage=target, actor=manager_a)
    assert [m["field"] for m in refused.value.missing] == ["custom.interview_date"]
    deal.refresh_from_db()
    assert deal.stage.name == "Новый отклик"
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_move_passes_once_field_is_filled_and_is_kept_in_history(deal, pipeline, manager_a):
    deal_update(deal=deal, actor=manager_a, custom={"interview_date": "01.12.2026"})
    target = stage_named(pipeline, "Собеседование назначено")
    deal_move_to_stage(deal=deal, stage=target, actor=manager_a)
    deal.refresh_from_db()
    assert deal.stage == target
    assert deal.custom["interview_date"] == "2026-12-01"
    change = StageChange.objects.filter(deal=deal).last()
    assert (change.from_stage.name, change.to_stage.name, change.actor) == ("Новый отклик", target.name, manager_a)
    assert TimelineEntry.objects.filter(deal=deal, kind=TimelineEntry.Kind.STAGE).exists()
    assert DomainEvent.objects.filter(kind="deal.stage_changed", deal_id=deal.pk).exists()


def test_close_as_lost_needs_a_reason(deal, manager_a, pipeline):
    with pytest.raises(ValidationFailed) as refused:
        deal_close_lost(deal=deal, reason=None, actor=manager_a)
    assert "lost_reason" in refused.value.fields
    deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=manager_a)
    deal.refresh_from_db()
    assert deal.closed_at is not None
    assert deal.lost_reason.name == "Не дозвонились"
