from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from podbor.crm.services import deal_create, task_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_my_tasks_lists_overdue_first_then_by_due_time(client, pipeline, manager_a, manager_a2):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    now = timezone.now()
    later = task_create(actor=manager_a, title="Послезавтра", deal=deal, due_at=now + timedelta(days=2))
    soon = task_create(actor=manager_a, title="Через час", deal=deal, due_at=now + timedelta(hours=1))
    overdue = task_create(actor=manager_a, title="Вчера", deal=deal, due_at=now - timedelta(days=1))
    task_create(actor=manager_a, title="Задача коллеги", deal=deal, assignee=manager_a2)
    client.force_login(manager_a)

    response = client.get(reverse("crm-my-tasks"))

    assert [t.pk for t in response.context["tasks"]] == [overdue.pk, soon.pk, later.pk]
    html = response.content.decode()
    assert f'class="task is-overdue" id="task-{overdue.pk}"' in html
    assert "Задача коллеги" not in html


def test_a_task_is_completed_from_the_list(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    task = task_create(actor=manager_a, title="Позвонить", deal=deal)
    client.force_login(manager_a)

    response = client.post(reverse("crm-task-complete", args=[task.pk]), {"result": "Дозвонился", "context": "list"},
                           **HTMX)

    assert response.status_code == 200 and response.content == b""
    task.refresh_from_db()
    assert task.done_at is not None and task.result == "Дозвонился"
    assert "Позвонить" not in client.get(reverse("crm-my-tasks")).content.decode()


def test_another_teams_task_cannot_be_completed(client, pipeline, manager_a, manager_b):
    deal = deal_create(actor=manager_b, title="Чужая", pipeline=pipeline)
    task = task_create(actor=manager_b, title="Чужая задача", deal=deal)
    client.force_login(manager_a)
    assert client.post(reverse("crm-task-complete", args=[task.pk]), {"context": "list"}).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None
