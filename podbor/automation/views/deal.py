"""The "Processes" section of the deal card: the deal's instances and a form to start one. The crm card includes it
through the ``{% deal_processes deal %}`` tag (crm never imports automation); these views reload and post it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.accounts.models import User
from podbor.automation.models import ProcessInstance
from podbor.automation.selectors import definitions_startable, waiting_described
from podbor.automation.services import definition_current, process_start
from podbor.crm.models import Deal
from podbor.crm.selectors import deals_visible_to
from podbor.lib.errors import ServiceError

SHOWN = 20
# A process may move the deal, fill its fields or give it tasks: the card's parts reload themselves on these.
CARD_EVENTS = ("deal-head-changed", "deal-fields-changed", "tasks-changed", "timeline-changed")


def deal_processes_context(user: User, deal: Deal, *, error: str = "", started: ProcessInstance | None = None) -> dict:
    """For a deal the reader may see (the caller checked)."""
    instances = list(ProcessInstance.objects.filter(deal=deal).select_related("definition").order_by("-id")[:SHOWN])
    for row in instances:
        row.waiting = waiting_described(row)
    return {"deal": deal, "instances": instances, "startable": definitions_startable(), "process_error": error,
            "started": started}


def _deal_or_404(request: HttpRequest, deal_pk: int) -> Deal:
    return get_object_or_404(deals_visible_to(request.user).select_related("contact"), pk=deal_pk)


@login_required
@require_GET
def deal_processes(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal = _deal_or_404(request, deal_pk)
    return render(request, "automation/_deal_processes.html", deal_processes_context(request.user, deal))


@login_required
@require_POST
def deal_process_start(request: HttpRequest, deal_pk: int) -> HttpResponse:
    deal = _deal_or_404(request, deal_pk)
    htmx = request.headers.get("HX-Request") == "true"
    key = request.POST.get("process") or ""
    definition = definition_current(key) if key else None
    error, started = "", None
    if definition is None:
        error = _("Choose a process.")
    else:
        try:
            started = process_start(definition=definition, deal=deal, actor=request.user, trigger="manual")
        except ServiceError as exc:
            error = exc.detail
    if not htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Process “%(name)s” started.") % {"name": definition.name})
        return redirect("crm-deal", pk=deal.pk)
    response = render(request, "automation/_deal_processes.html",
                      deal_processes_context(request.user, deal, error=error, started=started))
    if started is not None:
        response["HX-Trigger"] = ", ".join(CARD_EVENTS)
    return response
