"""Time at work between two moments, summed from the presence history (an analytics figure)."""

import datetime

from django.utils import timezone

from podbor.accounts.models import PresenceChange, User
from podbor.accounts.selectors import presence_time_at_work

H = datetime.timedelta(hours=1)
DAY = datetime.datetime(2026, 3, 2, tzinfo=timezone.get_fixed_timezone(180))


def _history(user, *steps):
    """steps: (hour of DAY, status); each change's previous is the status before it."""
    previous = "off"
    for hour, status in steps:
        PresenceChange.objects.create(user=user, status=status, previous=previous, at=DAY + hour * H)
        previous = status
    User.objects.filter(pk=user.pk).update(presence=previous)
    user.refresh_from_db()


def test_at_work_intervals_are_summed_and_pauses_left_out(manager_a):
    _history(manager_a, (9, "at_work"), (12, "pause"), (13, "at_work"), (18, "off"))
    assert presence_time_at_work(manager_a, DAY, DAY + 24 * H) == 8 * H


def test_an_interval_is_cut_at_the_edges_of_the_window(manager_a):
    _history(manager_a, (9, "at_work"), (12, "pause"), (13, "at_work"), (18, "off"))
    assert presence_time_at_work(manager_a, DAY + 10 * H, DAY + 14 * H) == 3 * H


def test_a_window_inside_one_interval_counts_whole(manager_a):
    _history(manager_a, (9, "at_work"), (18, "off"))
    assert presence_time_at_work(manager_a, DAY + 10 * H, DAY + 11 * H) == H


def test_a_window_before_any_switch_takes_the_status_the_first_switch_left(manager_a):
    _history(manager_a, (9, "at_work"), (18, "off"))
    assert presence_time_at_work(manager_a, DAY + 1 * H, DAY + 2 * H) == datetime.timedelta(0)
    assert presence_time_at_work(manager_a, DAY + 20 * H, DAY + 22 * H) == datetime.timedelta(0)


def test_the_time_still_at_work_counts_up_to_now_not_into_the_future(manager_a):
    now = timezone.now()
    PresenceChange.objects.create(user=manager_a, status="at_work", previous="off", at=now - 2 * H)
    User.objects.filter(pk=manager_a.pk).update(presence="at_work")
    manager_a.refresh_from_db()

    counted = presence_time_at_work(manager_a, now - 3 * H, now + 5 * H)

    assert 2 * H <= counted < 2 * H + datetime.timedelta(minutes=1)


def test_a_user_who_never_switched_has_no_time_at_work(manager_a):
    assert presence_time_at_work(manager_a, DAY, DAY + 24 * H) == datetime.timedelta(0)


def test_an_empty_or_reversed_window_is_zero(manager_a):
    _history(manager_a, (9, "at_work"), (18, "off"))
    assert presence_time_at_work(manager_a, DAY + 12 * H, DAY + 12 * H) == datetime.timedelta(0)
    assert presence_time_at_work(manager_a, DAY + 14 * H, DAY + 12 * H) == datetime.timedelta(0)
