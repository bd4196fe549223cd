"""Who is at work now. A manager left "At work" outside their working hours counts as Off once the grace
period (settings.PRESENCE_GRACE_MINUTES) has passed; a manager without a schedule is as they set it."""

import datetime

from django.conf import settings
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from podbor.accounts.models import PresenceChange, User, WorkSchedule


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


def _in_hours_or_unscheduled(at: datetime.datetime) -> Q:
    has_schedule = WorkSchedule.objects.filter(user=OuterRef("pk"))
    in_hours = WorkSchedule.objects.filter(_covering(at), user=OuterRef("pk"))
    return ~Exists(has_schedule) | Exists(in_hours)


def users_with_presence_effective(users: QuerySet[User], *, at: datetime.datetime | None = None) -> QuerySet[User]:
    """The users annotated with ``presence_effective_now`` (as presence_effective answers), in one query."""
    at_work = Q(presence=User.Presence.AT_WORK)
    return users.annotate(presence_effective_now=Case(
        When(at_work & _in_hours_or_unscheduled(at or timezone.now()), then=Value(User.Presence.AT_WORK.value)),
        When(at_work, then=Value(User.Presence.OFF.value)),
        default=F("presence"),
        output_field=CharField(),
    ))


def presence_team_of(viewer: User) -> QuerySet[User]:
    """Whose presence the viewer may watch: an admin everyone active, a team lead their team, others nobody."""
    users = users_with_presence_effective(User.objects.filter(is_active=True).select_related("team")).order_by(
        "team__name", "last_name", "first_name", "username")
    if viewer.is_admin:
        return users
    if viewer.is_team_lead and viewer.team_id is not None:
        return users.filter(team_id=viewer.team_id)
    return users.none()


def presence_history(user: User, *, since: datetime.datetime | None = None) -> QuerySet[PresenceChange]:
    changes = PresenceChange.objects.filter(user=user).order_by("-at", "-id")
    return changes.filter(at__gte=since) if since is not None else changes


def presence_time_at_work(user: User, since: datetime.datetime, until: datetime.datetime) -> datetime.timedelta:
    """Time the user was switched "At work" between ``since`` and ``until`` (the future does not count), summed
    from the presence history. By the switch, not the schedule: what the manager declared."""
    until = min(until, timezone.now())
    if until <= since:
        return datetime.timedelta(0)
    changes = PresenceChange.objects.filter(user=user)
    before = changes.filter(at__lte=since).order_by("-at", "-id").first()
    inside = list(changes.filter(at__gt=since, at__lt=until).order_by("at", "id").values_list("at", "status"))
    if before is not None:
        status = before.status
    elif inside:
        # The first switch inside the window says what the user was before it.
        status = changes.filter(at__gt=since).order_by("at", "id").values_list("previous", flat=True).first()
    else:
        after = changes.filter(at__gte=until).order_by("at", "id").values_list("previous", flat=True).first()
        status = after if after is not None else user.presence
    total, start = datetime.timedelta(0), since
    for at, next_status in inside:
        if status == User.Presence.AT_WORK:
            total += at - start
        status, start = next_status, at
    if status == User.Presence.AT_WORK:
        total += until - start
    return total
