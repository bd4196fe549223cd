import pytest

from podbor.crm.models import Task, TimelineEntry
from podbor.crm.services import deal_create, task_complete, task_create
from podbor.events.models import DomainEvent
from podbor.lib.errors import Conflict, ValidationFailed


@pytest.fixture
def task(pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    return task_create(actor=manager_a, title="Собеседование", deal=deal, checklist=["Паспорт", "Медкнижка", "ИНН"])


def _items(task):
    return list(task.checklist.values_list("text", "done"))


def test_completing_keeps_the_result_and_leaves_a_timeline_entry_and_an_event(task, manager_a):
    done = task_complete(task=task, actor=manager_a, result=" Пришёл, берём ")
    assert done.done_at is not None and done.result == "Пришёл, берём"
    entry = TimelineEntry.objects.get(deal=task.deal, data__action="completed")
    assert entry.author == manager_a and entry.text.endswith("Пришёл, берём")
    event = DomainEvent.objects.get(kind="task.completed")
    assert (event.deal_id, event.payload["task"], event.payload["result"]) == (task.deal_id, task.pk, "Пришёл, берём")


def test_checklist_states_are_taken_as_a_dict(task, manager_a):
    passport, medical, _inn = task.checklist.all()
    task_complete(task=task, actor=manager_a, checklist={str(passport.pk): True, medical.pk: "false"})
    assert _items(task) == [("Паспорт", True), ("Медкнижка", False), ("ИНН", False)]


def test_checklist_states_are_taken_as_a_list_of_done_ids(task, manager_a):
    passport, medical, inn = task.checklist.all()
    task_complete(task=task, actor=manager_a, checklist=[medical.pk, inn.pk])
    assert _items(task) == [("Паспорт", False), ("Медкнижка", True), ("ИНН", True)]
    assert DomainEvent.objects.get(kind="task.completed").payload["checklist"] == {
        str(passport.pk): False, str(medical.pk): True, str(inn.pk): True
    }


def test_completing_twice_is_a_conflict(task, manager_a):
    task_complete(task=task, actor=manager_a, result="Готово")
    with pytest.raises(Conflict):
        task_complete(task=task, actor=manager_a, result="Ещё раз")
    assert Task.objects.get(pk=task.pk).result == "Готово"
    assert DomainEvent.objects.filter(kind="task.completed").count() == 1


@pytest.mark.parametrize("checklist", [[999_999], {"999999": True}, {"паспорт": True}, ["x"]])
def test_unknown_checklist_items_are_refused_and_nothing_changes(task, manager_a, checklist):
    first = task.checklist.first()
    with pytest.raises(ValidationFailed) as refused:
        task_complete(task=task, actor=manager_a, checklist=[first.pk, *checklist] if isinstance(checklist, list)
                      else {first.pk: True, **checklist})
    assert list(refused.value.fields) == ["checklist"]
    assert Task.objects.get(pk=task.pk).done_at is None
    assert not any(done for _text, done in _items(task))
    assert not DomainEvent.objects.filter(kind="task.completed").exists()
