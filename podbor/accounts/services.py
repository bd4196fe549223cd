import datetime
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import ApiToken, PresenceChange, Team, User, WorkSchedule
from podbor.accounts.selectors import work_schedule_editable_by
from podbor.events.services import event_record
from podbor.lib.errors import PermissionRefused, ValidationFailed


def api_token_issue(*, user: User, name: str = "") -> str:
    """Create a token for the user and return it in clear; only its digest is kept."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:8], digest=ApiToken.digest_of(token))
    return token


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def api_token_authenticate(*, token: str) -> User | None:
    if not token:
        return None
    found = (
        ApiToken.objects.select_related("user", "user__team")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    # Record use at most once a minute, so that every API call does not write.
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str = User.Role.MANAGER,
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    user = User(
        username=username,
        role=role,
        team=team,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=role == User.Role.ADMIN,
        is_superuser=role == User.Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    return user


# --- presence -------------------------------------------------------------------------------------------------------

PRESENCE_CHANGED = "presence.changed"


def presence_set(*, user: User, status: str, via: str = "ui") -> User:
    """Switch a user At work / Pause / Off. Every switch is kept (PresenceChange) and announced as the domain event
    "presence.changed" in the same transaction; setting the status the user already has changes nothing."""
    if status not in User.Presence.values:
        message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(User.Presence.values)}
        raise ValidationFailed(_("Unknown presence status."), fields={"status": [message]})
    with transaction.atomic():
        # The row lock serialises two switches of one user, so each change's "previous" is the one before it.
        locked = User.objects.select_for_update().only("pk", "presence", "presence_since").get(pk=user.pk)
        if locked.presence != status:
            previous, now = locked.presence, timezone.now()
            User.objects.filter(pk=user.pk).update(presence=status, presence_since=now)
            PresenceChange.objects.create(user_id=user.pk, status=status, previous=previous, at=now, via=via[:20])
            event_record(kind=PRESENCE_CHANGED, actor_id=user.pk,
                         payload={"user": user.pk, "status": status, "previous": previous})
            locked.presence, locked.presence_since = status, now
    user.presence, user.presence_since = locked.presence, locked.presence_since
    return user


# --- working hours --------------------------------------------------------------------------------------------------

Hours = tuple[int, datetime.time, datetime.time]  # weekday (0 = Monday … 6 = Sunday), from, to


def work_hours_errors(hours: list[Hours]) -> dict[str, list[str]]:
    """Errors by day ("days.<weekday>"): an interval must end after it starts and not overlap another. Forms ask it
    too, so that a page shows every mistake at once."""
    errors: dict[str, list[str]] = {}
    by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for weekday, starts_at, ends_at in hours:
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("days", []).append(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
            continue
        if not isinstance(starts_at, datetime.time) or not isinstance(ends_at, datetime.time):
            errors.setdefault(f"days.{weekday}", []).append(_("Give both the start and the end."))
            continue
        if ends_at <= starts_at:
            errors.setdefault(f"days.{weekday}", []).append(
                _("The end (%(end)s) must be after the start (%(start)s).")
                % {"end": f"{ends_at:%H:%M}", "start": f"{starts_at:%H:%M}"})
            continue
        by_day.setdefault(weekday, []).append((starts_at, ends_at))
    for weekday, intervals in by_day.items():
        intervals.sort()
        for (start_a, end_a), (start_b, end_b) in zip(intervals, intervals[1:], strict=False):
            if start_b < end_a:
                errors.setdefault(f"days.{weekday}", []).append(
                    _("The hours %(a)s and %(b)s overlap.")
                    % {"a": f"{start_a:%H:%M}–{end_a:%H:%M}", "b": f"{start_b:%H:%M}–{end_b:%H:%M}"})
    return errors


@transaction.atomic
def work_schedule_set(*, actor: User, user: User, hours: Iterable[Hours]) -> list[WorkSchedule]:
    """Replace the user's working hours with ``hours`` (several intervals a day for split shifts; none: no schedule,
    the user is as they switch themselves). An administrator may set anyone's hours, a team lead their team's.
    Errors name the day: ``days.<weekday>``."""
    if not work_schedule_editable_by(actor, user):
        raise PermissionRefused(_("Only an administrator or the team lead of this person's team sets their hours."))
    hours = list(hours)
    errors = work_hours_errors(hours)
    if errors:
        raise ValidationFailed(_("The working hours have errors."), fields=errors)
    # The user's row lock (as presence switches and call-list builds take it) orders two edits made at once.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    WorkSchedule.objects.filter(user=user).delete()
    rows = [WorkSchedule(user=user, weekday=weekday, starts_at=starts_at, ends_at=ends_at)
            for weekday, starts_at, ends_at in sorted(hours)]
    WorkSchedule.objects.bulk_create(rows)
    return rows
