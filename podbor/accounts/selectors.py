"""Who is at work now. A manager left "At work" outside their working hours counts as Off once the grace
period (settings.PRESENCE_GRACE_MINUTES) has passed; a manager without a schedule is as they set it."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from podbor.accounts.models import User, WorkSchedule


def _grace() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PRESENCE_GRACE_MINUTES)


def _covering(at: datetime.datetime) -> Q:
    """Schedule rows whose hours, widened by the grace period, contain the moment ``at``."""
    local = timezone.localtime(at)
    return Q(weekday=local.weekday(), starts_at__lte=(local + _grace()).time(),
             ends_at__gte=(local - _grace()).time())


def presence_effective(user: User, *, at: datetime.datetime | None = None) -> str:
    if user.presence != User.Presence.AT_WORK:
        return user.presence
    at = at or timezone.now()
    rows = WorkSchedule.objects.filter(user=user)
    if not rows.exists() or rows.filter(_covering(at)).exists():
        return User.Presence.AT_WORK
    return User.Presence.OFF


def users_present(*, at: datetime.datetime | None = None) -> QuerySet[User]:
    """Active users who are at work now, by their switch and their working hours."""
    at = at or timezone.now()
    has_schedule = WorkSchedule.objects.filter(user=OuterRef("pk"))
    in_hours = WorkSchedule.objects.filter(_covering(at), user=OuterRef("pk"))
    return User.objects.filter(is_active=True, presence=User.Presence.AT_WORK).filter(
        ~Exists(has_schedule) | Exists(in_hours)
    )
