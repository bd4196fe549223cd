"""presence_off_since: since when someone is Off as presence_effective counts it (for acting on long absences)."""

import datetime

from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule
from podbor.accounts.selectors import presence_off_since

MSK = timezone.get_fixed_timezone(180)
HOUR = datetime.timedelta(hours=1)


def _monday(hour: float) -> datetime.datetime:
    return datetime.datetime(2026, 11, 23, tzinfo=MSK) + hour * HOUR  # a Monday


def _set(user: User, presence: str, since: datetime.datetime | None) -> User:
    User.objects.filter(pk=user.pk).update(presence=presence, presence_since=since)
    user.refresh_from_db()
    return user


def test_switched_off_since_the_switch_or_since_joining(manager_a):
    assert presence_off_since(_set(manager_a, "off", _monday(7)), at=_monday(12)) == _monday(7)
    assert presence_off_since(_set(manager_a, "off", None), at=_monday(12)) == manager_a.date_joined


def test_at_work_or_on_a_pause_is_not_off(manager_a):
    assert presence_off_since(_set(manager_a, "at_work", _monday(7)), at=_monday(12)) is None
    assert presence_off_since(_set(manager_a, "pause", _monday(7)), at=_monday(12)) is None


def test_at_work_outside_the_hours_is_off_since_they_ended_plus_the_grace_period(settings, manager_a):
    settings.PRESENCE_GRACE_MINUTES = 15
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=datetime.time(9), ends_at=datetime.time(18))
    WorkSchedule.objects.create(user=manager_a, weekday=4, starts_at=datetime.time(9), ends_at=datetime.time(17))
    _set(manager_a, "at_work", _monday(-72))  # since the Friday before

    assert presence_off_since(manager_a, at=_monday(12)) is None
    assert presence_off_since(manager_a, at=_monday(21)) == _monday(18.25)
    # Monday morning before the hours: off since Friday's hours ended.
    assert presence_off_since(manager_a, at=_monday(7)) == _monday(-72 + 17.25)


def test_switched_at_work_after_the_hours_is_off_since_the_switch(settings, manager_a):
    settings.PRESENCE_GRACE_MINUTES = 15
    WorkSchedule.objects.create(user=manager_a, weekday=0, starts_at=datetime.time(9), ends_at=datetime.time(18))
    _set(manager_a, "at_work", _monday(20))

    assert presence_off_since(manager_a, at=_monday(22)) == _monday(20)
