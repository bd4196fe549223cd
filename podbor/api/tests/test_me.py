def test_me_describes_the_user_their_role_and_team(api_as, manager_a, team_a):
    body = api_as(manager_a).get("/me").json()
    assert body["id"] == manager_a.pk
    assert body["full_name"] == "Мария Петрова"
    assert body["role"] == "manager"
    assert body["team"] == {"id": team_a.pk, "name": "Команда А"}
    assert body["is_admin"] is False


def test_an_admin_without_a_team_says_so(api_as, admin_user):
    body = api_as(admin_user).get("/me").json()
    assert body["is_admin"] is True
    assert body["team"] is None
