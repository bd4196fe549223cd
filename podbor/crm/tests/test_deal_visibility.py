import pytest
from django.contrib.auth.models import AnonymousUser

from podbor.crm.models import Deal
from podbor.crm.selectors import deals_visible_to
from podbor.crm.services import deal_create


@pytest.fixture
def deals(pipeline, manager_a, manager_a2, manager_b, admin_user):
    return {
        "mine": deal_create(actor=manager_a, title="Моя", pipeline=pipeline),
        "teammate": deal_create(actor=manager_a2, title="Коллеги", pipeline=pipeline),
        "other_team": deal_create(actor=manager_b, title="Чужая", pipeline=pipeline),
        "pool": deal_create(actor=admin_user, title="Ничья", pipeline=pipeline),
    }


def _titles(user):
    return set(deals_visible_to(user).values_list("title", flat=True))


def test_a_manager_sees_their_own_and_their_teams_deals_but_never_another_teams(deals, manager_a, manager_b):
    assert _titles(manager_a) == {"Моя", "Коллеги"}
    assert _titles(manager_b) == {"Чужая"}


def test_a_team_lead_sees_the_team_and_the_unassigned_pool(deals, lead_a):
    assert _titles(lead_a) == {"Моя", "Коллеги", "Ничья"}


def test_an_admin_sees_everything(deals, admin_user):
    assert _titles(admin_user) == {"Моя", "Коллеги", "Чужая", "Ничья"}


def test_a_deal_handed_to_a_manager_of_another_team_is_still_theirs_to_see(deals, manager_b):
    Deal.objects.filter(pk=deals["pool"].pk).update(responsible=manager_b)
    assert _titles(manager_b) == {"Чужая", "Ничья"}


def test_a_manager_without_a_team_sees_only_their_own_deals(deals, manager_a):
    manager_a.team = None
    manager_a.save()
    assert _titles(manager_a) == {"Моя"}


def test_an_inactive_user_or_an_anonymous_one_sees_nothing(deals, admin_user, manager_a):
    for user in (admin_user, manager_a):
        user.is_active = False
        user.save()
        assert _titles(user) == set()
    assert _titles(AnonymousUser()) == set()
