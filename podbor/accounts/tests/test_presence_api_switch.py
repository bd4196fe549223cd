"""POST /api/v1/me/presence switches the caller; GET /api/v1/me shows the switch and the effective presence."""

import datetime
import json

import pytest

from podbor.accounts.models import PresenceChange, User, WorkSchedule


@pytest.fixture
def call(client, token_for):
    def make(user, method: str, path: str, data=None):
        headers = token_for(user)
        if method == "post":
            body = data if isinstance(data, str) else json.dumps(data)
            return client.post("/api/v1" + path, body, content_type="application/json", **headers)
        return client.get("/api/v1" + path, data or {}, **headers)

    return make


def test_a_manager_switches_to_pause_and_gets_the_new_presence_back(call, manager_a):
    response = call(manager_a, "post", "/me/presence", {"status": "pause"})

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["effective"]) == ("pause", "pause")
    stored = User.objects.get(pk=manager_a.pk)
    assert stored.presence == "pause"
    # JSON carries milliseconds.
    assert abs(datetime.datetime.fromisoformat(body["since"]) - stored.presence_since) < datetime.timedelta(
        milliseconds=1)
    assert PresenceChange.objects.get(user=manager_a).via == "api"


def test_me_includes_the_presence(call, manager_a):
    call(manager_a, "post", "/me/presence", {"status": "at_work"})

    presence = call(manager_a, "get", "/me").json()["presence"]

    assert (presence["status"], presence["effective"]) == ("at_work", "at_work")
    assert presence["since"] is not None


def test_a_new_user_is_off_with_no_since(call, manager_a):
    assert call(manager_a, "get", "/me").json()["presence"] == {"status": "off", "effective": "off", "since": None}


def test_at_work_outside_the_working_hours_is_effectively_off(call, manager_a):
    # Working hours that have just ended on some other weekday: never now.
    today = datetime.date.today().weekday()
    WorkSchedule.objects.create(user=manager_a, weekday=(today + 3) % 7, starts_at=datetime.time(9),
                                ends_at=datetime.time(18))

    body = call(manager_a, "post", "/me/presence", {"status": "at_work"}).json()

    assert (body["status"], body["effective"]) == ("at_work", "off")


@pytest.mark.parametrize("payload", [{"status": "busy"}, {"status": ""}, {"status": 1}, {}])
def test_a_bad_status_is_a_400_on_the_status_field(call, manager_a, payload):
    response = call(manager_a, "post", "/me/presence", payload)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]
    assert User.objects.get(pk=manager_a.pk).presence == "off"


def test_an_unknown_field_and_malformed_json_are_400s(call, manager_a):
    assert call(manager_a, "post", "/me/presence", {"status": "pause", "user": 1}).status_code == 400
    assert call(manager_a, "post", "/me/presence", "{not json").status_code == 400
    assert not PresenceChange.objects.exists()


def test_switching_needs_authentication(client, manager_a):
    response = client.post("/api/v1/me/presence", json.dumps({"status": "pause"}), content_type="application/json")
    assert response.status_code == 401
