from podbor.crm.selectors import users_assignable_by


def _names(user):
    return set(users_assignable_by(user).values_list("username", flat=True))


def test_a_manager_and_a_team_lead_assign_within_their_team(lead_a, manager_a, manager_a2, manager_b):
    assert _names(manager_a) == {"lead_a", "manager_a", "manager_a2"}
    assert _names(lead_a) == {"lead_a", "manager_a", "manager_a2"}


def test_an_admin_assigns_every_active_user(admin_user, manager_a, manager_b):
    manager_b.is_active = False
    manager_b.save()
    assert _names(admin_user) == {"admin", "manager_a"}


def test_a_user_without_a_team_assigns_only_themselves(manager_a, manager_a2):
    manager_a.team = None
    manager_a.save()
    assert _names(manager_a) == {"manager_a"}


def test_an_inactive_user_assigns_nobody(manager_a, manager_a2):
    manager_a.is_active = False
    manager_a.save()
    assert _names(manager_a) == set()
