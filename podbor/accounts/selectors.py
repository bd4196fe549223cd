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


def _last_hours_end(user: User, at: datetime.datetime) -> datetime.datetime | None:
    """The latest end of the user's working hours (plus the grace period) at or before ``at``."""
    local = timezone.localtime(at)
    zone = timezone.get_current_timezone()
    ends = []
    for weekday, ends_at in WorkSchedule.objects.filter(user=user).values_list("weekday", "ends_at"):
        back = (local.weekday() - weekday) % 7
        for days in (back, back + 7):
            day = local.date() - datetime.timedelta(days=days)
            end = timezone.make_aware(datetime.datetime.combine(day, ends_at), zone) + _grace()
            if end <= at:
                ends.append(end)
                break
    return max(ends, default=None)


def presence_off_since(user: User, *, at: datetime.datetime | None = None) -> datetime.datetime | None:
    """Since when the user has been Off as presence_effective counts it, or None when they are not Off at ``at``.

    Switched Off: since the switch (since they joined, if they never switched). Left "At work" outside their hours:
    since their last hours ended plus the grace period, or since the switch if that came later. Never earlier than
    the truth, so whoever acts on a long absence never acts too soon."""
    at = at or timezone.now()
    switched = user.presence_since or user.date_joined
    if user.presence == User.Presence.OFF:
        return switched
    if presence_effective(user, at=at) != User.Presence.OFF:
        return None
    last_end = _last_hours_end(user, at)
    return max(last_end, switched) if last_end is not None else switched


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


# --- working hours --------------------------------------------------------------------------------------------------

def work_schedule_people_of(viewer: User) -> QuerySet[User]:
    """Whose working hours the viewer may see: an admin everyone active, a team lead their team, anyone themselves.
    Each with their rows prefetched as ``work_schedule``."""
    users = User.objects.filter(is_active=True).select_related("team").prefetch_related("work_schedule").order_by(
        "team__name", "last_name", "first_name", "username")
    if viewer.is_admin:
        return users
    if viewer.is_team_lead and viewer.team_id is not None:
        return users.filter(Q(team_id=viewer.team_id) | Q(pk=viewer.pk))
    return users.filter(pk=viewer.pk)


def work_schedule_editable_by(actor: User, user: User) -> bool:
    """An administrator edits anyone's hours, a team lead their team's; a manager only sees their own."""
    if actor.is_admin:
        return True
    return actor.is_team_lead and actor.team_id is not None and user.team_id == actor.team_id
