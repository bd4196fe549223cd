from django.urls import reverse

from podbor.crm.models import Task
from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_task_with_a_checklist_is_added_ticked_and_completed_with_a_result(client, pipeline, manager_a, manager_a2):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)

    added = client.post(reverse("crm-deal-task", args=[deal.pk]), {
        "title": "Собеседование", "kind": "interview", "due_at": "2030-05-01T10:30",
        "assignee": manager_a2.pk, "checklist": "Паспорт\n\nМедкнижка\n",
    }, **HTMX)
    assert added.status_code == 200
    task = Task.objects.get(deal=deal)
    assert (task.title, task.kind, task.assignee) == ("Собеседование", "interview", manager_a2)
    assert task.due_at.strftime("%H:%M") == "07:30"  # 10:30 in Moscow
    assert [i.text for i in task.checklist.all()] == ["Паспорт", "Медкнижка"]
    assert "Собеседование" in added.content.decode()

    item = task.checklist.first()
    ticked = client.post(reverse("crm-task-checklist", args=[task.pk]), {"item": item.pk, "done": "on"}, **HTMX)
    assert ticked.status_code == 200
    item.refresh_from_db()
    assert item.done is True
    client.post(reverse("crm-task-checklist", args=[task.pk]), {"item": item.pk}, **HTMX)
    item.refresh_from_db()
    assert item.done is False

    done = client.post(reverse("crm-task-complete", args=[task.pk]), {"result": "Пришёл, берём"}, **HTMX)
    assert done.status_code == 200
    task.refresh_from_db()
    assert task.done_at is not None and task.result == "Пришёл, берём"
    assert "timeline-changed" in done["HX-Trigger"]


def test_a_task_without_a_title_keeps_what_was_typed(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-task", args=[deal.pk]),
                           {"title": "", "kind": "call", "checklist": "Паспорт"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "field__error" in html and "Паспорт" in html
    assert not Task.objects.filter(deal=deal).exists()


def test_a_task_cannot_be_given_to_another_team(client, pipeline, manager_a, manager_b):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-task", args=[deal.pk]),
                           {"title": "Позвонить", "kind": "call", "assignee": manager_b.pk}, **HTMX)
    assert response.status_code == 200
    assert not Task.objects.filter(deal=deal).exists()


def test_completing_a_task_twice_shows_an_error_not_a_crash(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    client.post(reverse("crm-deal-task", args=[deal.pk]), {"title": "Позвонить", "kind": "call"}, **HTMX)
    task = Task.objects.get(deal=deal)
    client.post(reverse("crm-task-complete", args=[task.pk]), {"result": "ок"}, **HTMX)
    again = client.post(reverse("crm-task-complete", args=[task.pk]), {"result": "ещё"}, **HTMX)
    assert again.status_code == 200
    task.refresh_from_db()
    assert task.result == "ок"
