"""Leads held in the list of a manager who has been Off for CALL_LIST_RELEASE_HOURS (switched Off, or "At work"
outside their hours past the grace period) go back for others; a pinned callback keeps its pin."""

import datetime

import pytest
from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule
from podbor.accounts.services import presence_set
from podbor.routing.calllists.building import call_list_build
from podbor.routing.calllists.release import call_lists_release_absent
from podbor.routing.models import CallList, CallListItem, LeadCallState
from podbor.routing.tasks import routing_call_lists_release
from podbor.routing.tests.calllist_world import a_filter, callback, deal_ids, leads

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
MSK = timezone.get_fixed_timezone(180)


@pytest.fixture
def held(settings, pipeline, manager_a):
    """Manager A's list of 3 leads, built now; two more leads are free."""
    settings.CALL_LIST_SIZE = 3
    settings.CALL_LIST_RELEASE_HOURS = 2
    a_filter(pipeline)
    leads(5, actor=manager_a, pipeline=pipeline)
    presence_set(user=manager_a, status=User.Presence.AT_WORK)
    return call_list_build(user=manager_a, why="asked")


def _open_of(user) -> list[int]:
    return list(CallListItem.objects.filter(call_list__user=user, state="open").values_list("deal_id", flat=True))


def test_the_leads_of_a_manager_off_longer_than_the_limit_go_back_to_others(held, manager_a, manager_a2):
    mine = deal_ids(held)
    presence_set(user=manager_a, status=User.Presence.OFF)
    later = timezone.now() + 2 * HOUR + datetime.timedelta(minutes=1)

    assert call_lists_release_absent(now=later) == 3

    assert _open_of(manager_a) == []
    assert set(held.items.values_list("state", flat=True)) == {"released"}
    assert call_lists_release_absent(now=later) == 0  # a second run finds nothing
    # The newest leads, which A held, are the first a colleague's list takes now.
    assert deal_ids(call_list_build(user=manager_a2, why="asked", now=later)) == mine


def test_a_manager_off_for_less_than_the_limit_keeps_the_list(held, manager_a):
    presence_set(user=manager_a, status=User.Presence.OFF)

    assert call_lists_release_absent(now=timezone.now() + HOUR) == 0

    assert sorted(_open_of(manager_a)) == sorted(deal_ids(held))


@pytest.mark.parametrize("status", [User.Presence.AT_WORK, User.Presence.PAUSE])
def test_a_manager_at_work_or_on_a_pause_keeps_the_list(held, manager_a, status):
    presence_set(user=manager_a, status=status)

    assert call_lists_release_absent(now=timezone.now() + 10 * HOUR) == 0

    assert len(_open_of(manager_a)) == 3


def test_a_list_built_while_off_is_kept_for_the_limit_too(held, manager_a):
    presence_set(user=manager_a, status=User.Presence.OFF)
    User.objects.filter(pk=manager_a.pk).update(presence_since=timezone.now() - 10 * HOUR)
    rebuilt = call_list_build(user=manager_a, why="asked")  # a look at the list from home

    assert call_lists_release_absent(now=timezone.now() + HOUR) == 0
    assert len(deal_ids(rebuilt)) == 3
    assert call_lists_release_absent(now=timezone.now() + 2 * HOUR + datetime.timedelta(minutes=1)) == 3


def test_at_work_outside_the_working_hours_counts_as_off_from_the_end_of_the_hours(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 2
    settings.CALL_LIST_RELEASE_HOURS = 2
    settings.PRESENCE_GRACE_MINUTES = 15
    a_filter(pipeline)
    leads(2, actor=manager_a, pipeline=pipeline)
    monday = datetime.datetime(2026, 11, 23, tzinfo=MSK)  # a Monday
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=datetime.time(9), ends_at=datetime.time(18))
    User.objects.filter(pk=manager_a.pk).update(presence=User.Presence.AT_WORK,
                                                presence_since=monday + 8 * HOUR)
    call_list = call_list_build(user=manager_a, why="asked", now=monday + 17 * HOUR)

    # Off by the schedule from 18:15 (the grace period): at 20:00 that is 1 h 45 min, at 20:30 2 h 15 min.
    assert call_lists_release_absent(now=monday + 20 * HOUR) == 0
    assert call_lists_release_absent(now=monday + 20.5 * HOUR) == 2
    assert deal_ids(call_list) == []


def test_a_callback_pinned_to_the_absent_manager_stays_while_the_pin_holds(settings, held, pipeline, manager_a,
                                                                         manager_a2):
    settings.CALL_LIST_PIN_MINUTES = 240  # a pin longer than the release limit
    settings.CALL_LIST_SIZE = 2
    now = timezone.now()
    pinned = leads(1, actor=manager_a, pipeline=pipeline)[0]
    callback(pinned, at=now - datetime.timedelta(minutes=5), pinned=manager_a)
    call_list = call_list_build(user=manager_a, why="asked", now=now)
    assert deal_ids(call_list)[0] == pinned.pk
    presence_set(user=manager_a, status=User.Presence.OFF)

    assert call_lists_release_absent(now=now + 3 * HOUR) == 1
    assert deal_ids(call_list) == [pinned.pk]
    assert pinned.pk not in deal_ids(call_list_build(user=manager_a2, why="asked", now=now + 3 * HOUR))

    assert call_lists_release_absent(now=now + 4 * HOUR + datetime.timedelta(minutes=1)) == 1
    assert LeadCallState.objects.get(deal=pinned).pinned_user == manager_a  # the pin itself is not touched
    later = call_list_build(user=manager_a2, why="asked", now=now + 4 * HOUR + datetime.timedelta(minutes=1))
    assert deal_ids(later)[0] == pinned.pk


def test_a_deactivated_users_leads_go_back(held, manager_a):
    User.objects.filter(pk=manager_a.pk).update(is_active=False)

    assert call_lists_release_absent(now=timezone.now() + 2 * HOUR + datetime.timedelta(minutes=1)) == 3


def test_the_periodic_task_runs_the_release(held, manager_a):
    presence_set(user=manager_a, status=User.Presence.OFF)
    User.objects.filter(pk=manager_a.pk).update(presence_since=timezone.now() - 3 * HOUR)
    CallList.objects.filter(pk=held.pk).update(built_at=timezone.now() - 4 * HOUR)

    routing_call_lists_release.call_local()

    assert _open_of(manager_a) == []
