import datetime

from django.utils import timezone

from podbor.accounts.models import WorkSchedule
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def _at(monkeypatch, local: datetime.datetime) -> None:
    moment = timezone.make_aware(local)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_working_hours_are_checked_at_the_moment_of_each_decision(pipeline, monkeypatch, settings):
    settings.PRESENCE_GRACE_MINUTES = 15
    shift = manager("shift")
    always = manager("always")
    # Monday and Tuesday, 09:00-18:00 local time.
    for weekday in (0, 1):
        WorkSchedule.objects.create(user=shift, weekday=weekday, starts_at=datetime.time(9), ends_at=datetime.time(18))
    rule(pipeline, [shift, always])
    moments = [
        (datetime.datetime(2030, 1, 7, 12, 0), True),  # Monday noon
        (datetime.datetime(2030, 1, 7, 18, 14, 59), True),  # within the grace period
        (datetime.datetime(2030, 1, 7, 18, 15, 1), False),  # after it
        (datetime.datetime(2030, 1, 8, 8, 46), True),  # Tuesday, in the grace period before the shift
        (datetime.datetime(2030, 1, 9, 12, 0), False),  # Wednesday: no hours that day
        (datetime.datetime(2030, 1, 14, 9, 30), True),  # the next Monday
    ]

    codes = []
    for local, _present in moments:
        _at(monkeypatch, local)
        assignment = deal_assign(deal=new_deal(pipeline))
        codes.append({row["user"]: row["code"] for row in assignment.considered}[shift.pk])

    assert [code != "off" for code in codes] == [present for _local, present in moments]
