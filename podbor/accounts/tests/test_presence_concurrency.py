"""Two switches of one manager at the same moment, in real threads with their own connections (SQLite or
PostgreSQL): the history stays a chain where each change starts from the status the one before it set."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from podbor.accounts.models import PresenceChange, User
from podbor.accounts.services import presence_set
from podbor.events.models import DomainEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _switch_all_at_once(user_id: int, statuses: list[str]) -> None:
    start = threading.Barrier(len(statuses))

    def switch(status: str) -> None:
        try:
            user = User.objects.get(pk=user_id)  # each thread reads the same, soon stale, presence
            start.wait(timeout=10)
            presence_set(user=user, status=status, via="api")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(statuses)) as pool:
        for future in [pool.submit(switch, s) for s in statuses]:
            future.result()


def _assert_consistent_chain(user: User) -> list[PresenceChange]:
    changes = list(PresenceChange.objects.filter(user=user).order_by("at", "id"))
    current = "off"
    for change in changes:
        assert change.previous == current, "a change does not start where the one before it ended"
        assert change.status != change.previous
        current = change.status
    user.refresh_from_db()
    assert user.presence == current
    events = list(DomainEvent.objects.filter(kind="presence.changed").order_by("id"))
    assert [(e.payload["previous"], e.payload["status"]) for e in events] == [(c.previous, c.status) for c in changes]
    return changes


def test_two_different_switches_at_once_leave_a_consistent_history(manager_a):
    _switch_all_at_once(manager_a.pk, ["at_work", "pause"])

    changes = _assert_consistent_chain(manager_a)
    assert len(changes) == 2
    assert {c.status for c in changes} == {"at_work", "pause"}


def test_the_same_switch_twice_at_once_is_kept_once(manager_a):
    _switch_all_at_once(manager_a.pk, ["at_work", "at_work"])

    changes = _assert_consistent_chain(manager_a)
    assert [(c.previous, c.status) for c in changes] == [("off", "at_work")]


def test_many_switches_at_once_never_break_the_chain(manager_a):
    _switch_all_at_once(manager_a.pk, ["at_work", "pause", "off", "at_work", "pause", "at_work"])

    changes = _assert_consistent_chain(manager_a)
    assert 1 <= len(changes) <= 6
