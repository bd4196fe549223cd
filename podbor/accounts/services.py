import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import ApiToken, PresenceChange, Team, User
from podbor.events.services import event_record
from podbor.lib.errors import ValidationFailed


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
