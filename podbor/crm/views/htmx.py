"""How views answer HTMX: a partial, plus the events that make other parts of the page reload themselves."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_partial(
    request: HttpRequest, template: str, context: dict, *, events: tuple[str, ...] = (), status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    if events:
        response["HX-Trigger"] = ", ".join(events)
    return response
