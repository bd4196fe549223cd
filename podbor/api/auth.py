"""Who is calling: a personal API token (the way for scripts and integrations) or, for same-origin browser
calls, the Django session with its CSRF token."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyHeader
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from podbor.accounts.models import User
from podbor.accounts.services import api_token_authenticate


class TokenAuth(APIKeyHeader):
    """``Authorization: Token <key>``. Described to OpenAPI as an API key in that header."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        scheme, _sep, token = (key or "").strip().partition(" ")
        if scheme.lower() not in ("token", "bearer"):
            return None
        return api_token_authenticate(token=token.strip())


class SessionAuth(APIKeyCookie):
    """The logged-in browser user. CSRF is checked only once a session is found: a caller without any
    credentials gets the same 401 as a bad token, not a CSRF 403."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise HttpError(403, _("CSRF check failed."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return self(request)
