"""/api/v1: one router per resource, token or session authentication, JSON errors, offline docs."""

import functools

from django.http import Http404, HttpRequest
from django.urls import URLPattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Swagger
from ninja.renderers import JSONRenderer

from podbor.api import (
    calllists,
    companies,
    contacts,
    deal_actions,
    deals,
    imports,
    intake,
    me,
    notes,
    pipelines,
    processes,
    tasks,
)
from podbor.api import routing as routing_api
from podbor.api.auth import SessionAuth, TokenAuth
from podbor.api.errors import error_body, install_error_handlers

DESCRIPTION = """
Podbor's REST API. Authenticate every call with the header `Authorization: Token <key>`
(`manage.py issue_token <username>` prints one).

Lists answer `{"items": [...], "count": N}` and take `?limit=` (default 50, at most 500) and `?offset=`.
Errors answer `{"error": "<code>", "detail": "<text>", "fields": {"<field>": ["<message>"]}}`; a move refused by a
stage's guard answers 422 and also lists `"missing": [{"field", "label", "message"}]`. Objects you may not see are
404, exactly like those that do not exist.
"""


class Renderer(JSONRenderer):
    # Cyrillic as it is, not as \uXXXX escapes: readable, and a third shorter.
    json_dumps_params = {"ensure_ascii": False}


def _json_not_allowed(view):
    """ninja answers a known path with an unknown method in plain text; the contract says JSON."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            body = error_body("method_not_allowed", _("This method is not allowed here."))
            response = api.create_response(request, body, status=405)
            response["Allow"] = allowed
        return response

    return wrapper


class PodborAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        wrapped = [
            URLPattern(p.pattern, _json_not_allowed(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern) else p
            for p in patterns
        ]
        return wrapped, app_name, namespace


api = PodborAPI(
    title="Podbor API",
    version="1",
    description=DESCRIPTION,
    openapi_url="/schema",
    docs_url="/docs",
    docs=Swagger(settings={"persistAuthorization": True}),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
    renderer=Renderer(),
)
install_error_handlers(api)

for module in (me, contacts, companies, pipelines, deals, deal_actions, notes, tasks, intake, imports, calllists,
               processes):
    api.add_router("", module.router)
api.add_router("", routing_api.router)

# Added last so that it only catches what no resource matched: an unknown URL is a JSON 404 too.
fallback = Router()


@fallback.api_operation(["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None,
                        include_in_schema=False)
def not_found(request: HttpRequest, rest: str):
    raise Http404


api.add_router("", fallback)
