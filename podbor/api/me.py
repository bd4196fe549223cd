import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from podbor.accounts.models import PresenceChange, User
from podbor.accounts.selectors import presence_effective, presence_history, presence_team_of
from podbor.accounts.services import presence_set
from podbor.api.pagination import PageParams, paginate
from podbor.api.schemas import AwareDatetime, Input, Page, error_responses
from podbor.lib.errors import PermissionRefused

router = Router(tags=["me"])

STATUS_HELP = "at_work, pause or off"


class TeamOut(Schema):
    id: int
    name: str


class PresenceOut(Schema):
    status: str = Field(..., description="As the user switched it: " + STATUS_HELP)
    effective: str = Field(..., description='With the working schedule applied: "off" once the hours (and the '
                                            "grace period) are over, though the switch says at_work.")
    since: datetime.datetime | None


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    middle_name: str
    full_name: str
    email: str
    role: str
    is_admin: bool
    team: TeamOut | None
    presence: PresenceOut


class PresenceIn(Input):
    status: str = Field(..., max_length=20, description=STATUS_HELP)


class PresenceChangeOut(Schema):
    status: str
    previous: str
    at: datetime.datetime
    via: str


class HistoryParams(PageParams):
    since: AwareDatetime | None = Field(None, description="Only switches at or after this moment.")


class UserPresenceOut(PresenceOut):
    user: int
    full_name: str
    team: TeamOut | None


def presence_out(user: User) -> dict:
    return {"status": user.presence, "effective": presence_effective(user), "since": user.presence_since}


def _team_out(user: User) -> dict | None:
    return {"id": user.team.pk, "name": user.team.name} if user.team else None


@router.get("/me", response={200: MeOut, **error_responses()}, summary="The user the token belongs to")
def me(request: HttpRequest):
    user = request.auth
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "middle_name": user.middle_name,
        "full_name": user.get_full_name(),
        "email": user.email,
        "role": user.role,
        "is_admin": user.is_admin,
        "team": _team_out(user),
        "presence": presence_out(user),
    }


@router.post("/me/presence", response={200: PresenceOut, **error_responses(400)}, tags=["presence"],
             summary="Switch yourself At work, on Pause or Off")
def me_presence_set(request: HttpRequest, payload: PresenceIn):
    return presence_out(presence_set(user=request.auth, status=payload.status, via="api"))


@router.get("/me/presence/history", response={200: Page[PresenceChangeOut], **error_responses(400)},
            tags=["presence"], summary="Your presence switches, the newest first")
def me_presence_history(request: HttpRequest, params: Query[HistoryParams]):
    def render(change: PresenceChange) -> dict:
        return {"status": change.status, "previous": change.previous, "at": change.at, "via": change.via}

    return paginate(presence_history(request.auth, since=params.since), params, render)


@router.get("/presence", response={200: Page[UserPresenceOut], **error_responses(403)}, tags=["presence"],
            summary="Who is at work now: your team (team leads) or everyone (admins)")
def presence_list(request: HttpRequest, params: Query[PageParams]):
    viewer = request.auth
    if not (viewer.is_admin or viewer.is_team_lead):
        raise PermissionRefused(_("Only team leads and administrators see the team's presence."))

    def render(user: User) -> dict:
        return {"user": user.pk, "full_name": user.get_full_name() or user.username, "team": _team_out(user),
                "status": user.presence, "effective": user.presence_effective_now, "since": user.presence_since}

    return paginate(presence_team_of(viewer), params, render)
