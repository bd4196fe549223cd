"""A switch of presence is kept in the history and announced to the other contexts as a domain event."""

import pytest

from podbor.accounts.models import PresenceChange, User
from podbor.accounts.services import presence_set
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


def test_a_switch_updates_the_user_and_keeps_the_change(manager_a):
    user = presence_set(user=manager_a, status="at_work", via="api")

    assert user.presence == "at_work" and user.presence_since is not None
    stored = User.objects.get(pk=manager_a.pk)
    assert (stored.presence, stored.presence_since) == ("at_work", user.presence_since)
    change = PresenceChange.objects.get(user=manager_a)
    assert (change.previous, change.status, change.via, change.at) == ("off", "at_work", "api", user.presence_since)


def test_a_switch_records_a_presence_changed_event(manager_a):
    presence_set(user=manager_a, status="at_work")
    presence_set(user=manager_a, status="pause")

    events = DomainEvent.objects.filter(kind="presence.changed").order_by("id")
    assert [e.payload for e in events] == [
        {"user": manager_a.pk, "status": "at_work", "previous": "off"},
        {"user": manager_a.pk, "status": "pause", "previous": "at_work"},
    ]
    assert {e.actor_id for e in events} == {manager_a.pk}


def test_setting_the_status_one_already_has_changes_nothing(manager_a):
    first = presence_set(user=manager_a, status="pause").presence_since

    again = presence_set(user=manager_a, status="pause")

    assert again.presence_since == first
    assert PresenceChange.objects.filter(user=manager_a).count() == 1
    assert DomainEvent.objects.filter(kind="presence.changed").count() == 1


def test_a_stale_user_object_gets_the_stored_presence_back(manager_a):
    stale = User.objects.get(pk=manager_a.pk)
    presence_set(user=manager_a, status="at_work")

    returned = presence_set(user=stale, status="at_work")

    assert returned.presence == "at_work"
    assert PresenceChange.objects.filter(user=manager_a).count() == 1


@pytest.mark.parametrize("status", ["", "busy", "AT_WORK", "lunch"])
def test_an_unknown_status_is_refused_on_the_status_field_and_changes_nothing(manager_a, status):
    with pytest.raises(ValidationFailed) as refused:
        presence_set(user=manager_a, status=status)

    assert list(refused.value.fields) == ["status"]
    assert User.objects.get(pk=manager_a.pk).presence == "off"
    assert not PresenceChange.objects.exists()
    assert not DomainEvent.objects.filter(kind="presence.changed").exists()
