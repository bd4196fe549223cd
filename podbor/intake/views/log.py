"""The intake log: every delivery with its status and the decision taken, for administrators and team leads.

The raw body is personal data: only these two roles reach these pages. Links to the resulting contact and deal
are shown only when the reader may see them."""

import json
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from podbor.accounts.models import User
from podbor.crm.selectors import contacts_visible_to, deals_visible_to
from podbor.intake.forms import LogFilterForm
from podbor.intake.models import InboundEvent
from podbor.intake.services import inbound_event_retry
from podbor.lib.errors import ServiceError

logger = logging.getLogger(__name__)
LOG_PAGE = 50


def require_lead_or_admin(user: User) -> None:
    if not (user.is_admin or user.is_team_lead):
        raise PermissionDenied


def _mark_visible_links(user: User, events: list[InboundEvent]) -> None:
    """Set ``contact_visible`` and ``deal_visible`` on each event: two queries for the whole page."""
    contact_ids = {e.contact_id for e in events if e.contact_id}
    deal_ids = {e.deal_id for e in events if e.deal_id}
    contacts = set(contacts_visible_to(user).filter(pk__in=contact_ids).values_list("pk", flat=True))
    deals = set(deals_visible_to(user).filter(pk__in=deal_ids).values_list("pk", flat=True))
    for event in events:
        event.contact_visible = event.contact_id in contacts
        event.deal_visible = event.deal_id in deals


@login_required
@require_GET
def intake_log(request: HttpRequest) -> HttpResponse:
    require_lead_or_admin(request.user)
    form = LogFilterForm(request.GET)
    events = InboundEvent.objects.select_related("source", "contact", "deal").order_by("-id")
    page = 1
    if form.is_valid():
        if form.cleaned_data["status"]:
            events = events.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["source"]:
            events = events.filter(source=form.cleaned_data["source"])
        page = form.cleaned_data["page"] or 1
    page_obj = Paginator(events, LOG_PAGE).get_page(page)
    rows = list(page_obj.object_list)
    _mark_visible_links(request.user, rows)
    return render(request, "intake/log.html", {"filter_form": form, "page_obj": page_obj, "events": rows})


def _pretty(text: str) -> tuple[str, bool]:
    """A JSON body indented for reading (Cyrillic as it is); anything else as it came. Returns (text, is_json)."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False), True
    except (TypeError, ValueError):
        return text, False


@never_cache
@login_required
@require_GET
def intake_event(request: HttpRequest, pk: int) -> HttpResponse:
    require_lead_or_admin(request.user)
    event = get_object_or_404(InboundEvent.objects.select_related("source", "contact", "deal"), pk=pk)
    _mark_visible_links(request.user, [event])
    body, body_is_json = _pretty(event.body)
    context = {
        "event": event,
        "decision": json.dumps(event.decision, indent=2, ensure_ascii=False) if event.decision else "",
        "headers": sorted(event.headers.items()),
        "body": body,
        "body_is_json": body_is_json,
        "can_retry": event.status == InboundEvent.Status.FAILED,
    }
    return render(request, "intake/event.html", context)


@login_required
@require_POST
def intake_event_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require_lead_or_admin(request.user)
    event = get_object_or_404(InboundEvent, pk=pk)
    try:
        event = inbound_event_retry(event=event)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    except Exception:  # logged by the service and counted on the event; the sweeper tries it again
        messages.error(request, _("Processing failed again; it will be retried automatically."))
    else:
        if event.status == InboundEvent.Status.FAILED:
            messages.error(request, _("Processed again, still failed: %(reason)s") % {"reason": event.reason})
        else:
            messages.success(request, _("Processed again: %(status)s.") % {"status": event.get_status_display()})
    return redirect("intake-event", pk=pk)
