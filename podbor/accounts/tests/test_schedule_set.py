"""work_schedule_set: an administrator sets anyone's working hours, a team lead their team's; hours must end after
they start and not overlap; the new hours replace the old ones at once and decide who counts as at work."""

import datetime

import pytest
from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule
from podbor.accounts.selectors import presence_effective
from podbor.accounts.services import presence_set, work_schedule_set
from podbor.lib.errors import PermissionRefused, ValidationFailed

MSK = timezone.get_fixed_timezone(180)
T = datetime.time


def _rows(user) -> list[tuple[int, datetime.time, datetime.time]]:
    return list(WorkSchedule.objects.filter(user=user).order_by("weekday", "starts_at")
                .values_list("weekday", "starts_at", "ends_at"))


def test_an_admin_sets_a_managers_week_with_a_split_shift(admin_user, manager_a):
    hours = [(0, T(9), T(18)), (1, T(14), T(18)), (1, T(9), T(13))]

    work_schedule_set(actor=admin_user, user=manager_a, hours=hours)

    assert _rows(manager_a) == [(0, T(9), T(18)), (1, T(9), T(13)), (1, T(14), T(18))]


def test_new_hours_replace_the_old_and_none_clears_the_schedule(lead_a, manager_a):
    work_schedule_set(actor=lead_a, user=manager_a, hours=[(0, T(9), T(18)), (2, T(9), T(18))])

    work_schedule_set(actor=lead_a, user=manager_a, hours=[(4, T(10), T(16))])
    assert _rows(manager_a) == [(4, T(10), T(16))]

    work_schedule_set(actor=lead_a, user=manager_a, hours=[])
    assert _rows(manager_a) == []


def test_the_hours_decide_who_counts_as_at_work(admin_user, manager_a):
    presence_set(user=manager_a, status=User.Presence.AT_WORK)
    monday_evening = datetime.datetime(2026, 11, 23, 21, 0, tzinfo=MSK)
    assert presence_effective(manager_a, at=monday_evening) == "at_work"

    work_schedule_set(actor=admin_user, user=manager_a, hours=[(0, T(9), T(18))])

    assert presence_effective(manager_a, at=monday_evening) == "off"


def test_a_team_lead_may_not_set_another_teams_hours(lead_a, manager_b):
    with pytest.raises(PermissionRefused):
        work_schedule_set(actor=lead_a, user=manager_b, hours=[(0, T(9), T(18))])
    assert _rows(manager_b) == []


def test_a_manager_may_set_nobodys_hours_not_even_their_own(manager_a, manager_a2):
    for target in (manager_a2, manager_a):
        with pytest.raises(PermissionRefused):
            work_schedule_set(actor=manager_a, user=target, hours=[(0, T(9), T(18))])
    assert not WorkSchedule.objects.exists()


@pytest.mark.parametrize("hours, field", [
    ([(0, T(18), T(9))], "days.0"),  # the end before the start
    ([(3, T(9), T(9))], "days.3"),  # no time at all
    ([(2, T(9), T(14)), (2, T(13), T(18))], "days.2"),  # overlapping
    ([(7, T(9), T(18))], "days"),  # no such weekday
])
def test_hours_that_make_no_sense_are_field_errors_and_nothing_changes(admin_user, manager_a, hours, field):
    work_schedule_set(actor=admin_user, user=manager_a, hours=[(0, T(10), T(19))])

    with pytest.raises(ValidationFailed) as refused:
        work_schedule_set(actor=admin_user, user=manager_a, hours=[(5, T(10), T(12)), *hours])

    assert list(refused.value.fields) == [field]
    assert _rows(manager_a) == [(0, T(10), T(19))]
