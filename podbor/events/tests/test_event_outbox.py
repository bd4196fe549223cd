import pytest
from django.db import transaction

from podbor.conftest import stage_named
from podbor.crm.models import Contact, Deal
from podbor.crm.services import (
    company_create,
    company_update,
    contact_create,
    contact_update,
    deal_close_lost,
    deal_create,
    deal_link,
    deal_move_to_stage,
    deal_update,
    note_add,
    task_checklist_set,
    task_complete,
    task_create,
    task_reopen,
)
from podbor.events.models import DomainEvent


class Rollback(Exception):
    pass


def _kinds():
    return list(DomainEvent.objects.values_list("kind", flat=True))


def test_every_write_records_its_domain_event(pipeline, manager_a):
    company = company_create(actor=manager_a, name="ООО Ромашка")
    company_update(company=company, actor=manager_a, city="Казань")
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    contact_update(contact=contact, actor=manager_a, city="Казань")
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)
    deal_update(deal=deal, actor=manager_a, source="hh.ru")
    deal = deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Квалификация"), actor=manager_a)
    deal = deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=manager_a)
    deal_link(deal=deal_create(actor=manager_a, title="Повар", pipeline=pipeline), parent=deal, actor=manager_a)
    note_add(actor=manager_a, text="Перезвонить", deal=deal)
    task = task_create(actor=manager_a, title="Позвонить", deal=deal, checklist=["Паспорт"])
    task_checklist_set(task=task, actor=manager_a, checklist=[task.checklist.get().pk])
    task_complete(task=task, actor=manager_a)
    task_reopen(task=task, actor=manager_a)
    assert _kinds() == [
        "company.created", "company.updated", "contact.created", "contact.updated", "deal.created", "deal.updated",
        "deal.stage_changed", "deal.stage_changed", "deal.created", "deal.linked", "note.added", "task.created",
        "task.checklist_changed", "task.completed", "task.reopened",
    ]
    assert set(DomainEvent.objects.values_list("actor_id", flat=True)) == {manager_a.pk}


def test_a_rolled_back_write_leaves_no_event(pipeline, manager_a):
    with pytest.raises(Rollback), transaction.atomic():
        contact = contact_create(actor=manager_a, full_name="Иванов Иван")
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)
        raise Rollback
    assert not Contact.objects.exists() and not Deal.objects.exists()
    assert _kinds() == []


def test_a_refused_write_leaves_no_event(pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is what is left
        deal_move_to_stage(deal=deal, stage=stage_named(pipeline, "Собеседование назначено"), actor=manager_a)
    assert _kinds() == ["deal.created"]
