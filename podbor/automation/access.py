"""Who may do what on the process pages. A deal's processes follow the deal: podbor.automation.selectors."""

from django.core.exceptions import PermissionDenied

from podbor.accounts.models import User


def can_design(user: User) -> bool:
    return user.is_authenticated and user.is_admin


def can_operate(user: User) -> bool:
    """See the instances and incidents of every process, and retry a failed step."""
    return user.is_authenticated and (user.is_admin or user.is_team_lead)


def can_cancel(user: User) -> bool:
    return can_design(user)


def require_designer(user: User) -> None:
    if not can_design(user):
        raise PermissionDenied


def require_operator(user: User) -> None:
    if not can_operate(user):
        raise PermissionDenied
