"""GET /api/v1/presence: a team lead sees their team's presence, an admin everyone's, a manager nobody's."""

import datetime

from podbor.accounts.models import WorkSchedule
from podbor.accounts.services import presence_set


def _presence(client, headers):
    return client.get("/api/v1/presence", **headers)


def test_a_team_lead_sees_who_of_the_team_is_at_work(client, token_for, lead_a, manager_a, manager_a2, manager_b):
    presence_set(user=manager_a, status="at_work")
    presence_set(user=manager_a2, status="pause")
    presence_set(user=manager_b, status="at_work")

    body = _presence(client, token_for(lead_a)).json()

    by_user = {i["user"]: i for i in body["items"]}
    assert set(by_user) == {lead_a.pk, manager_a.pk, manager_a2.pk}
    assert (by_user[manager_a.pk]["status"], by_user[manager_a.pk]["effective"]) == ("at_work", "at_work")
    assert by_user[manager_a.pk]["since"] is not None
    assert by_user[manager_a2.pk]["status"] == "pause"
    assert by_user[lead_a.pk]["since"] is None


def test_the_effective_presence_applies_the_schedule(client, token_for, lead_a, manager_a):
    other_day = (datetime.date.today().weekday() + 3) % 7
    WorkSchedule.objects.create(user=manager_a, weekday=other_day, starts_at=datetime.time(9),
                                ends_at=datetime.time(18))
    presence_set(user=manager_a, status="at_work")

    item = next(i for i in _presence(client, token_for(lead_a)).json()["items"] if i["user"] == manager_a.pk)

    assert (item["status"], item["effective"]) == ("at_work", "off")


def test_an_admin_sees_every_team(client, token_for, admin_user, manager_a, manager_b):
    body = _presence(client, token_for(admin_user)).json()
    assert {manager_a.pk, manager_b.pk, admin_user.pk} <= {i["user"] for i in body["items"]}


def test_a_manager_may_not_see_the_teams_presence(client, token_for, manager_a):
    response = _presence(client, token_for(manager_a))
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
