import pytest

from podbor.crm.models import Task, TimelineEntry
from podbor.crm.services import contact_create, deal_create, task_create
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)


def test_a_task_is_created_with_its_checklist_in_order(deal, manager_a):
    task = task_create(actor=manager_a, title=" Собеседование ", deal=deal, kind=Task.Kind.INTERVIEW,
                       checklist=["Паспорт", "  ", "Медкнижка"])
    assert (task.title, task.kind, task.contact) == ("Собеседование", "interview", deal.contact)
    assert list(task.checklist.values_list("text", "done")) == [("Паспорт", False), ("Медкнижка", False)]


def test_a_task_on_a_deal_goes_to_the_deals_responsible(deal, lead_a, manager_a):
    assert task_create(actor=lead_a, title="Позвонить", deal=deal).assignee == manager_a


def test_a_task_without_a_deal_or_responsible_goes_to_its_author(pipeline, lead_a):
    pooled = deal_create(actor=lead_a, title="Ничья", pipeline=pipeline)
    assert task_create(actor=lead_a, title="Позвонить", deal=pooled).assignee == lead_a
    assert task_create(actor=lead_a, title="Отчёт").assignee == lead_a


def test_a_task_can_be_given_to_a_teammate_but_not_to_another_team(deal, manager_a, manager_a2, manager_b):
    assert task_create(actor=manager_a, title="Позвонить", deal=deal, assignee=manager_a2).assignee == manager_a2
    with pytest.raises(ValidationFailed) as refused:
        task_create(actor=manager_a, title="Позвонить", deal=deal, assignee=manager_b)
    assert list(refused.value.fields) == ["assignee"]
    assert Task.objects.count() == 1


def test_a_task_without_a_title_or_with_an_unknown_kind_is_refused(deal, manager_a):
    with pytest.raises(ValidationFailed) as refused:
        task_create(actor=manager_a, title=" ", deal=deal, kind="dance")
    assert set(refused.value.fields) == {"title", "kind"}
    assert not Task.objects.exists()


def test_creation_leaves_a_timeline_entry_on_the_deal_and_an_event(deal, manager_a):
    task = task_create(actor=manager_a, title="Позвонить", deal=deal)
    entry = TimelineEntry.objects.get(deal=deal, kind=TimelineEntry.Kind.TASK)
    assert (entry.author, entry.contact) == (manager_a, deal.contact)
    assert entry.data == {"task": task.pk, "action": "created"}
    event = DomainEvent.objects.get(kind="task.created")
    assert event.payload == {"task": task.pk, "assignee": manager_a.pk, "kind": "call"}
