import datetime

from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule
from podbor.accounts.selectors import presence_effective, users_present

MSK = timezone.get_fixed_timezone(180)


def _monday(hour, minute=0):
    return datetime.datetime(2026, 11, 23, hour, minute, tzinfo=MSK)  # a Monday


def test_a_manager_without_a_schedule_is_as_they_set_it(manager_a, manager_b):
    User.objects.filter(pk=manager_a.pk).update(presence=User.Presence.AT_WORK)
    manager_a.refresh_from_db()
    assert presence_effective(manager_a, at=_monday(3)) == "at_work"
    assert list(users_present(at=_monday(3))) == [manager_a]


def test_at_work_outside_the_schedule_counts_as_off_after_the_grace_period(manager_a, settings):
    settings.PRESENCE_GRACE_MINUTES = 15
    User.objects.filter(pk=manager_a.pk).update(presence=User.Presence.AT_WORK)
    manager_a.refresh_from_db()
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=datetime.time(9), ends_at=datetime.time(18))
    assert presence_effective(manager_a, at=_monday(12)) == "at_work"
    assert presence_effective(manager_a, at=_monday(18, 10)) == "at_work"  # within the grace period
    assert presence_effective(manager_a, at=_monday(18, 30)) == "off"
    assert list(users_present(at=_monday(18, 30))) == []
    assert list(users_present(at=_monday(9, 5))) == [manager_a]
