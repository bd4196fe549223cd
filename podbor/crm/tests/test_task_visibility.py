import pytest

from podbor.crm.selectors import tasks_visible_to
from podbor.crm.services import contact_create, deal_create, task_create


@pytest.fixture
def tasks(pipeline, manager_a, manager_a2, manager_b):
    deal_a = deal_create(actor=manager_a, title="Сделка А", pipeline=pipeline)
    deal_b = deal_create(actor=manager_b, title="Сделка Б", pipeline=pipeline)
    contact_b = contact_create(actor=manager_b, first_name="Борис")
    task_create(actor=manager_a, title="Позвонить по А", deal=deal_a)
    task_create(actor=manager_b, title="Позвонить по Б", deal=deal_b)
    task_create(actor=manager_b, title="Личное Б", contact=contact_b)
    task_create(actor=manager_a2, title="Личное А2")


def _titles(user):
    return set(tasks_visible_to(user).values_list("title", flat=True))


def test_a_manager_sees_tasks_on_visible_deals_and_their_own(tasks, manager_a, manager_b):
    assert _titles(manager_a) == {"Позвонить по А"}
    assert _titles(manager_b) == {"Позвонить по Б", "Личное Б"}


def test_an_assignee_sees_their_own_task_without_a_deal(tasks, manager_a2):
    assert _titles(manager_a2) == {"Позвонить по А", "Личное А2"}


def test_an_admin_sees_all_tasks_and_an_inactive_user_none(tasks, admin_user, manager_b):
    assert len(_titles(admin_user)) == 4
    manager_b.is_active = False
    manager_b.save()
    assert _titles(manager_b) == set()
