"""The intake endpoint's hot path, served by a plain Django view in front of the ninja API.

``POST /api/v1/intake/{slug}`` is the one URL the outside world calls thousands of times a minute. The ninja
operations in ``api/intake.py`` document it in the OpenAPI schema and answer exactly like this view (they call
it), but the URL is routed here first: parameter parsing and response validation cost more CPU than storing
the delivery. Every answer is JSON of the API's error shape; nothing here raises a 500 for bad input.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from podbor.api.errors import error_body, server_error_body, service_error_body
from podbor.intake.services import inbound_event_receive, source_check_credentials, source_for_delivery
from podbor.lib.errors import ServiceError

logger = logging.getLogger(__name__)

# Cyrillic as it is, like the rest of the API.
_JSON = {"ensure_ascii": False}


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params=_JSON)


def cors(response: HttpResponse) -> HttpResponse:
    # The site form posts from another origin without credentials; letting it read the answer is safe.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Headers"] = "Content-Type, Idempotency-Key, X-Podbor-Signature"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    return response


def _not_found() -> JsonResponse:
    return _json(error_body("not_found", _("Not found.")), 404)


def _unauthorized() -> JsonResponse:
    return _json(error_body(
        "unauthorized", _("Put the source's token in the URL (?token=…) or sign the body (X-Podbor-Signature).")
    ), 401)


def deliver(request: HttpRequest, slug: str) -> HttpResponse:
    """Store one delivery: 202 ``{"event"}``, a repeat 200 ``{"event", "duplicate": true}``, else a JSON error."""
    source = source_for_delivery(slug)
    if source is None:
        return cors(_not_found())
    body = request.body
    if not source_check_credentials(source=source, body=body, token=request.GET.get("token"),
                                    signature=request.headers.get("X-Podbor-Signature")):
        return cors(_unauthorized())
    try:
        event, created = inbound_event_receive(
            source=source, body=body, content_type=request.content_type or request.headers.get("Content-Type", ""),
            headers=dict(request.headers), idempotency_key=request.headers.get("Idempotency-Key"),
        )
    except ServiceError as exc:
        return cors(_json(service_error_body(exc), exc.status))
    return cors(_json({"event": event.pk, "duplicate": not created}, 202 if created else 200))


def verify(request: HttpRequest, slug: str) -> HttpResponse:
    """Vendors check a webhook URL with a GET before they post to it, and want a value echoed as plain text:
    WhatsApp (Meta) sends ``hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`` (the verify token is the
    source's token), Zadarma sends ``?zd_echo=…`` to the URL that already carries ``?token=``."""
    source = source_for_delivery(slug)
    params = request.GET
    if source is None:
        return _not_found()
    if params.get("hub.mode") == "subscribe" and "hub.challenge" in params:
        given, echo = params.get("hub.verify_token"), params["hub.challenge"]
    elif "zd_echo" in params:
        given, echo = params.get("token"), params["zd_echo"]
    else:
        return _not_found()
    if not source_check_credentials(source=source, body=b"", token=given, signature=None):
        return _unauthorized()
    response = HttpResponse(echo, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@csrf_exempt
def intake_delivery(request: HttpRequest, slug: str) -> HttpResponse:
    """``/api/v1/intake/{slug}``: POST a delivery, OPTIONS for a browser's preflight, GET for a vendor's check."""
    try:
        if request.method == "POST":
            return deliver(request, slug)
        if request.method == "OPTIONS":
            return cors(HttpResponse(status=204))
        if request.method in ("GET", "HEAD"):
            return verify(request, slug)
        response = _json(error_body("method_not_allowed", _("This method is not allowed here.")), 405)
        response["Allow"] = "GET, POST, OPTIONS"
        return response
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return cors(_json(error_body("too_large", _("The body is too large: at most %(bytes)s bytes.") % {
            "bytes": limit}, {"body": [_("Too large.")]}), 413))
    except SuspiciousOperation as exc:  # e.g. a thousand query parameters: Django's own answer to it is a 400
        return cors(_json(error_body("bad_request", str(exc) or _("The request cannot be read.")), 400))
    except Exception:
        logger.exception("unexpected error in %s of an intake delivery", request.method)
        return cors(_json(server_error_body(), 500))
