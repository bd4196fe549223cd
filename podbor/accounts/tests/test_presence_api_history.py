"""GET /api/v1/me/presence/history: one's own switches, the newest first, optionally since a moment."""

import datetime

from django.utils import timezone

from podbor.accounts.models import PresenceChange
from podbor.accounts.services import presence_set


def _history(client, headers, **params):
    return client.get("/api/v1/me/presence/history", params, **headers)


def test_the_history_lists_ones_own_switches_newest_first(client, token_for, manager_a, manager_a2):
    for status in ("at_work", "pause", "at_work", "off"):
        presence_set(user=manager_a, status=status)
    presence_set(user=manager_a2, status="at_work")

    body = _history(client, token_for(manager_a)).json()

    assert body["count"] == 4
    assert [(i["previous"], i["status"]) for i in body["items"]] == [
        ("at_work", "off"), ("pause", "at_work"), ("at_work", "pause"), ("off", "at_work")]
    assert {i["via"] for i in body["items"]} == {"ui"}


def test_since_keeps_only_the_later_switches(client, token_for, manager_a):
    presence_set(user=manager_a, status="at_work")
    presence_set(user=manager_a, status="pause")
    cut = timezone.now() - datetime.timedelta(hours=2)
    PresenceChange.objects.filter(status="at_work").update(at=cut - datetime.timedelta(hours=1))

    body = _history(client, token_for(manager_a), since=cut.isoformat()).json()

    assert [i["status"] for i in body["items"]] == ["pause"]


def test_a_bad_since_is_a_400_on_the_since_field(client, token_for, manager_a):
    response = _history(client, token_for(manager_a), since="yesterday")
    assert response.status_code == 400
    assert "since" in response.json()["fields"]
