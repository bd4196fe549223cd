import pytest

from podbor.conftest import stage_named
from podbor.crm.models import CustomField, Deal, Stage, StageChange
from podbor.crm.services import (
    contact_create,
    deal_close_lost,
    deal_create,
    deal_move_to_stage,
    deal_stage_missing_fields,
    deal_update,
)
from podbor.lib.errors import GuardFailed


@pytest.fixture
def offer(pipeline):
    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="salary", name="Оклад",
                               kind=CustomField.Kind.NUMBER)
    return Stage.objects.create(pipeline=pipeline, name="Оффер", order=4,
                                required_fields=["contact", "budget_planned", "salary"])


@pytest.fixture
def deal(pipeline, manager_a):
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)


def test_the_guard_lists_built_in_and_custom_fields_that_are_missing(deal, offer):
    missing = deal_stage_missing_fields(deal=deal, stage=offer)
    assert [m["field"] for m in missing] == ["contact", "budget_planned", "custom.salary"]
    assert missing[2]["label"] == "Оклад"
    assert all(m["label"] and m["label"] in m["message"] for m in missing)


def test_a_refused_move_names_every_missing_field_and_changes_nothing(deal, offer, manager_a):
    deal_update(deal=deal, actor=manager_a, budget_planned="100000")
    with pytest.raises(GuardFailed) as refused:
        deal_move_to_stage(deal=deal, stage=offer, actor=manager_a)
    assert set(refused.value.fields) == {"contact", "custom.salary"}
    assert refused.value.status == 422
    assert Deal.objects.get(pk=deal.pk).stage.name == "Новый отклик"
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_the_move_passes_once_every_field_is_filled(deal, offer, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    deal_update(deal=deal, actor=manager_a, contact=contact, budget_planned=90000, custom={"salary": "60 000"})
    assert deal_move_to_stage(deal=deal, stage=offer, actor=manager_a).stage == offer


def test_a_won_stage_is_guarded_too(deal, pipeline, manager_a):
    Stage.objects.filter(pk=stage_named(pipeline, "Работает").pk).update(required_fields=["budget_actual"])
    with pytest.raises(GuardFailed) as refused:
        deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Работает"), actor=manager_a)
    assert [m["field"] for m in refused.value.missing] == ["budget_actual"]


def test_losing_a_deal_is_never_blocked_by_a_guard(deal, pipeline, manager_a):
    Stage.objects.filter(pk=stage_named(pipeline, "Отказ").pk).update(required_fields=["budget_actual"])
    lost = deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=manager_a)
    assert lost.stage.name == "Отказ"
