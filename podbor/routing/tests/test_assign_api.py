import json

import pytest

from podbor.accounts.models import User
from podbor.crm.services import deal_create
from podbor.routing.models import QueuedDeal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


@pytest.fixture
def call(client, token_for):
    def send(user, method, path, data=None):
        headers = token_for(user)
        if method == "get":
            return client.get("/api/v1" + path, **headers)
        return client.post("/api/v1" + path, json.dumps(data or {}), content_type="application/json", **headers)

    return send


def test_the_deal_shows_its_responsible_and_why(call, admin_user, pipeline):
    maria, paused = manager("maria"), manager("paused", presence=User.Presence.PAUSE)
    rr = rule(pipeline, [paused, maria])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)

    body = call(admin_user, "get", f"/deals/{deal.pk}").json()

    assert body["responsible"] == maria.pk
    assignment = body["assignment"]
    assert (assignment["rule"], assignment["strategy"], assignment["user"]) == (rr.pk, "round_robin", maria.pk)
    assert [(c["user"], c["eligible"]) for c in assignment["considered"]] == [(paused.pk, False), (maria.pk, True)]
    assert all(c["reason"] for c in assignment["considered"])
    listed = call(admin_user, "get", "/deals").json()["items"][0]
    assert listed["assignment"]["considered"] == assignment["considered"]


def test_a_deal_never_assigned_has_a_null_assignment(call, manager_a, pipeline):
    deal = deal_create(actor=manager_a, title="Своя", pipeline=pipeline)
    assert call(manager_a, "get", f"/deals/{deal.pk}").json()["assignment"] is None


def test_a_team_lead_reruns_the_rules_and_assigns_by_hand(call, lead_a, manager_a, pipeline):
    away = manager("away", presence=User.Presence.OFF)
    rule(pipeline, [away])
    deal = new_deal(pipeline)

    rerun = call(lead_a, "post", f"/deals/{deal.pk}/assign")
    assert rerun.status_code == 200
    assert (rerun.json()["user"], rerun.json()["outcome"]) == (None, "queued")
    queue = call(lead_a, "get", "/routing/queue").json()
    assert [item["deal"] for item in queue["items"]] == [deal.pk]
    assert queue["items"][0]["considered"][0]["eligible"] is False

    by_hand = call(lead_a, "post", f"/deals/{deal.pk}/assign", {"user": manager_a.pk})
    assert by_hand.status_code == 200
    assert (by_hand.json()["user"], by_hand.json()["strategy"], by_hand.json()["actor"]) == (
        manager_a.pk, "manual", lead_a.pk)
    assert not QueuedDeal.objects.exists()
    assert call(lead_a, "get", f"/deals/{deal.pk}").json()["responsible"] == manager_a.pk


def test_a_manager_cannot_assign_and_another_teams_deal_is_not_found(call, manager_a, manager_b, lead_a, pipeline):
    own = deal_create(actor=manager_a, title="Своя", pipeline=pipeline)
    other_team = deal_create(actor=manager_b, title="Чужая", pipeline=pipeline)

    assert call(manager_a, "post", f"/deals/{own.pk}/assign").status_code == 403
    assert call(manager_a, "post", f"/deals/{other_team.pk}/assign").status_code == 404
    assert call(lead_a, "post", f"/deals/{other_team.pk}/assign", {"user": manager_a.pk}).status_code == 404
    assert call(manager_a, "get", "/routing/queue").status_code == 403
    other_team.refresh_from_db()
    assert other_team.responsible_id == manager_b.pk


def test_assigning_by_hand_to_someone_outside_the_team_is_a_field_error(call, lead_a, manager_b, pipeline):
    deal = new_deal(pipeline)
    answer = call(lead_a, "post", f"/deals/{deal.pk}/assign", {"user": manager_b.pk})
    assert answer.status_code == 400
    assert list(answer.json()["fields"]) == ["user"]
