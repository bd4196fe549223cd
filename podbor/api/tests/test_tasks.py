import datetime

from django.utils import timezone

from podbor.crm.models import Task
from podbor.crm.services import task_create


def test_a_task_is_created_with_a_checklist_and_goes_to_the_deals_responsible(api_as, lead_a, manager_a, deal_a):
    due = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    response = api_as(lead_a).post("/tasks", {"title": "Позвонить кандидату", "deal": deal_a.pk, "due_at": due,
                                              "kind": "call", "checklist": ["Уточнить график", "Назвать адрес"]})
    assert response.status_code == 201
    body = response.json()
    assert (body["assignee"], body["deal"], body["contact"]) == (manager_a.pk, deal_a.pk, deal_a.contact_id)
    assert [(i["text"], i["done"]) for i in body["checklist"]] == [("Уточнить график", False), ("Назвать адрес", False)]
    assert (body["is_done"], body["is_overdue"]) == (False, False)


def test_a_task_for_someone_of_another_team_is_refused(api_as, manager_a, manager_b):
    response = api_as(manager_a).post("/tasks", {"title": "Чужому", "assignee": manager_b.pk})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["assignee"]
    assert not Task.objects.exists()


def test_tasks_come_overdue_and_soonest_first_and_filter_by_assignee_and_state(api_as, manager_a, manager_a2, deal_a):
    now = timezone.now()
    later = task_create(actor=manager_a, title="Потом", due_at=now + datetime.timedelta(days=2))
    undated = task_create(actor=manager_a, title="Когда-нибудь")
    overdue = task_create(actor=manager_a, title="Просрочено", due_at=now - datetime.timedelta(hours=1), deal=deal_a)
    soon = task_create(actor=manager_a, title="Скоро", due_at=now + datetime.timedelta(hours=1))
    theirs = task_create(actor=manager_a2, title="Не моё", due_at=now)
    api = api_as(manager_a)
    body = api.get("/tasks", {"assignee": "me"}).json()
    assert [t["id"] for t in body["items"]] == [overdue.pk, soon.pk, later.pk, undated.pk]
    assert body["items"][0]["is_overdue"] is True
    # A teammate's task that is tied to no deal of ours stays theirs.
    assert theirs.pk not in [t["id"] for t in api.get("/tasks").json()["items"]]
    assert [t["id"] for t in api.get("/tasks", {"deal": deal_a.pk}).json()["items"]] == [overdue.pk]
    api.post(f"/tasks/{soon.pk}/complete", {"result": "Готово"})
    assert [t["id"] for t in api.get("/tasks", {"open": "false"}).json()["items"]] == [soon.pk]
    assert soon.pk not in [t["id"] for t in api.get("/tasks", {"open": "true"}).json()["items"]]


def test_completing_a_task_records_the_result_and_the_checklist(api_as, manager_a):
    task = task_create(actor=manager_a, title="Собеседование", checklist=["Паспорт", "Анкета"])
    first, second = task.checklist.all()
    response = api_as(manager_a).post(f"/tasks/{task.pk}/complete",
                                      {"result": "Пришёл", "checklist": {str(first.pk): True}})
    assert response.status_code == 200
    body = response.json()
    assert (body["is_done"], body["result"]) == (True, "Пришёл")
    assert [i["done"] for i in body["checklist"]] == [True, False]


def test_completing_a_done_task_again_is_a_409_and_keeps_the_first_result(api_as, manager_a):
    task = task_create(actor=manager_a, title="Позвонить")
    api = api_as(manager_a)
    api.post(f"/tasks/{task.pk}/complete", {"result": "Дозвонился"})
    response = api.post(f"/tasks/{task.pk}/complete", {"result": "Ещё раз"})
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    task.refresh_from_db()
    assert task.result == "Дозвонился"


def test_the_checklist_is_ticked_by_a_list_of_done_ids(api_as, manager_a):
    task = task_create(actor=manager_a, title="Оформление", checklist=["Паспорт", "СНИЛС", "ИНН"])
    items = list(task.checklist.all())
    api = api_as(manager_a)
    response = api.patch(f"/tasks/{task.pk}/checklist", {"checklist": [items[0].pk, items[2].pk]})
    assert response.status_code == 200
    assert [i["done"] for i in response.json()["checklist"]] == [True, False, True]
    refused = api.patch(f"/tasks/{task.pk}/checklist", {"checklist": [987654]})
    assert refused.status_code == 400
    assert [i.done for i in task.checklist.all()] == [True, False, True]


def test_another_teams_task_is_a_404(api_as, manager_a, manager_b):
    task = task_create(actor=manager_b, title="Чужая")
    api = api_as(manager_a)
    assert api.get(f"/tasks/{task.pk}").status_code == 404
    assert api.post(f"/tasks/{task.pk}/complete", {"result": "x"}).status_code == 404
    assert api.patch(f"/tasks/{task.pk}/checklist", {"checklist": []}).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_a_malformed_checklist_is_one_clear_error_on_the_checklist_field(api_as, manager_a):
    task = task_create(actor=manager_a, title="Оформление", checklist=["Паспорт"])
    api = api_as(manager_a)
    for bad in ({"abc": True}, {"1": "yes"}, "all", [True]):
        response = api.post(f"/tasks/{task.pk}/complete", {"checklist": bad})
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["checklist"]
        assert len(response.json()["fields"]["checklist"]) == 1
    task.refresh_from_db()
    assert task.done_at is None
