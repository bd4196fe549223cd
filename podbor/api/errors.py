"""Every error the API answers is JSON of one shape: {"error", "detail", "fields"} (+ "missing" for a stage guard)."""

import json
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from podbor.lib.errors import GuardFailed, ServiceError

logger = logging.getLogger(__name__)

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
}


def error_body(code: str, detail: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": code, "detail": detail, "fields": fields or {}}


def service_error_body(exc: ServiceError) -> dict:
    """A service's refusal as the API answers it: its fields, anything it adds, a guard's missing fields."""
    body = error_body(exc.code, str(exc.detail), {k: [str(m) for m in v] for k, v in exc.fields.items()})
    body |= {k: v for k, v in exc.extra.items() if k not in body}
    if isinstance(exc, GuardFailed):
        body["missing"] = [{k: str(v) for k, v in m.items()} for m in exc.missing]
    return body


def server_error_body() -> dict:
    return error_body("server_error", _("Something went wrong on our side."))


def _pydantic_message(error: dict) -> str:
    """Pydantic's message, or ours for the errors a client makes most often."""
    kind = error.get("type", "")
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("Unknown field.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Expected a whole number.")
    if kind in ("string_type",):
        return _("Expected text.")
    if kind in ("list_type",):
        return _("Expected a list.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Expected an object.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Expected true or false.")
    if kind.startswith("datetime_") and kind != "datetime_from_date_parsing":
        return _("Expected a date and time like 2026-01-31T09:30:00+03:00.")
    if kind.startswith("date_"):
        return _("Expected a date like 2026-01-31.")
    if kind == "value_error":
        # Our validators' own message, without pydantic's "Value error, " prefix.
        return str(error.get("ctx", {}).get("error") or error.get("msg", ""))
    if kind == "string_too_long":
        return _("Too long: at most %(max)s characters.") % {"max": error.get("ctx", {}).get("max_length")}
    return str(error.get("msg", _("Not valid.")))


def _field_name(loc: tuple | list) -> str:
    """("body", "payload", "phones", 0) -> "phones.0"; ("query", "limit") -> "limit"."""
    parts = list(loc)
    source = parts.pop(0) if parts else "body"
    # Every endpoint names its body parameter "payload": it is not part of the client's field names.
    if source == "body" and parts and parts[0] == "payload":
        parts.pop(0)
    return ".".join(str(p) for p in parts) or str(source)


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    return fields


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict) -> HttpResponse:
    return api.create_response(request, body, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's defaults: its bodies differ per error and its 500 is HTML (or a traceback with DEBUG)."""

    def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return _respond(api, request, exc.status, service_error_body(exc))

    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 404, error_body("not_found", _("Not found.")))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _respond(api, request, 401, error_body(
            "unauthorized", _("Send a valid API token in the header “Authorization: Token <key>”.")))
        response["WWW-Authenticate"] = "Token"
        return response

    def on_authorization(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return _respond(api, request, exc.status_code, error_body("forbidden", str(exc)))

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, json.JSONDecodeError | UnicodeDecodeError):
            # ninja hides the parser's message unless DEBUG; a client needs it to find its mistake.
            detail = _("Malformed JSON: %(error)s") % {"error": cause}
            return _respond(api, request, 400, error_body("malformed_json", detail))
        code = _CODES_BY_STATUS.get(exc.status_code, "error")
        return _respond(api, request, exc.status_code, error_body(code, str(exc)))

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _respond(api, request, 400, error_body(
            "validation_error", _("Some fields are not valid."), validation_fields(exc.errors)))

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unexpected error in %s %s", request.method, request.path)
        return _respond(api, request, 500, server_error_body())

    api.add_exception_handler(ServiceError, on_service_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(AuthorizationError, on_authorization)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(Exception, on_unexpected)
