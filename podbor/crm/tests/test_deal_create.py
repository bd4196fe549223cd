from decimal import Decimal

import pytest

from podbor.conftest import stage_named
from podbor.crm.models import Contact, Deal, Pipeline, Stage, StageChange, TimelineEntry
from podbor.crm.services import contact_create, deal_create
from podbor.events.models import DomainEvent
from podbor.lib.errors import GuardFailed, ValidationFailed


def test_a_deal_without_a_stage_starts_on_the_first_open_one(pipeline, manager_a):
    Stage.objects.filter(pipeline=pipeline, name="Новый отклик").update(order=10)
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    assert deal.stage.name == "Квалификация"
    assert deal.closed_at is None
    change = StageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage, change.actor) == (None, deal.stage, manager_a)


def test_a_stage_of_another_pipeline_is_refused(pipeline, manager_a):
    other = Pipeline.objects.create(name="Клиенты")
    foreign = Stage.objects.create(pipeline=other, name="Запрос", order=1)
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, stage=foreign)
    assert list(refused.value.fields) == ["stage"]
    assert not Deal.objects.exists()


@pytest.mark.parametrize("closed", ["Работает", "Отказ"])
def test_a_deal_cannot_start_on_a_closed_stage(pipeline, manager_a, closed):
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, stage=stage_named(pipeline, closed))
    assert list(refused.value.fields) == ["stage"]
    assert not Deal.objects.exists() and not DomainEvent.objects.exists()


def test_a_pipeline_without_an_open_stage_cannot_take_deals(manager_a):
    empty = Pipeline.objects.create(name="Пустая")
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="Кассир", pipeline=empty)
    assert list(refused.value.fields) == ["pipeline"]


def test_a_deal_without_a_title_is_named_after_its_contact(pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    assert deal_create(actor=manager_a, title=" ", pipeline=pipeline, contact=contact).title == "Иванов Иван"
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="", pipeline=pipeline)
    assert list(refused.value.fields) == ["title"]


def test_budgets_are_accepted_as_people_type_them(pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Проект", pipeline=pipeline, budget_planned="150 000,5",
                       budget_actual=Decimal("10"))
    deal.refresh_from_db()
    assert (deal.budget_planned, deal.budget_actual) == (Decimal("150000.50"), Decimal("10.00"))


@pytest.mark.parametrize("budget", ["много", "-5", "1e20"])
def test_a_budget_that_is_not_a_sum_of_money_is_refused(pipeline, manager_a, budget):
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="Проект", pipeline=pipeline, budget_planned=budget)
    assert list(refused.value.fields) == ["budget_planned"]


def test_a_managers_deal_is_theirs_and_gives_an_unowned_contact_their_team(pipeline, manager_a, admin_user):
    contact = contact_create(actor=admin_user, first_name="Иван")
    assert contact.team is None
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)
    assert (deal.responsible, deal.team, deal.created_by) == (manager_a, manager_a.team, manager_a)
    assert Contact.objects.get(pk=contact.pk).team == manager_a.team


def test_an_admins_deal_without_a_responsible_goes_to_the_unassigned_pool(pipeline, admin_user):
    deal = deal_create(actor=admin_user, title="Кассир", pipeline=pipeline)
    assert (deal.responsible, deal.team) == (None, None)


def test_creation_leaves_a_timeline_entry_and_an_event(pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, source=" hh.ru ")
    entry = TimelineEntry.objects.get(deal=deal)
    assert (entry.kind, entry.author, entry.data) == (TimelineEntry.Kind.SYSTEM, manager_a, {"stage": deal.stage_id})
    event = DomainEvent.objects.get(kind="deal.created")
    assert (event.deal_id, event.actor_id) == (deal.pk, manager_a.pk)
    assert event.payload == {"pipeline": pipeline.pk, "stage": deal.stage_id, "source": "hh.ru"}


def test_starting_on_a_guarded_stage_needs_its_fields(pipeline, manager_a):
    guarded = stage_named(pipeline, "Собеседование назначено")
    with pytest.raises(GuardFailed) as refused:
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, stage=guarded)
    assert list(refused.value.fields) == ["custom.interview_date"]
    assert not Deal.objects.exists()
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, stage=guarded,
                       custom={"interview_date": "01.12.2026"})
    assert deal.stage == guarded
