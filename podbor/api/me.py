from django.http import HttpRequest
from ninja import Router, Schema

from podbor.api.schemas import error_responses

router = Router(tags=["me"])


class TeamOut(Schema):
    id: int
    name: str


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
        "team": {"id": user.team.pk, "name": user.team.name} if user.team else None,
    }
