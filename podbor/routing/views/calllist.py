"""My call list: the current lead's call card, the queue and today's counts. An outcome (HTMX) answers the
workspace again with the next lead."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.crm.forms import form_show_service_error
from podbor.crm.selectors import deals_visible_to
from podbor.lib.errors import ServiceError, ValidationFailed
from podbor.routing.calllists.building import WHY_LABELS, call_list_ensure, call_list_rebuild, filters_for
from podbor.routing.calllists.forms import CallCardForm, RebuildForm
from podbor.routing.calllists.outcomes import call_item_outcome, next_open_stage
from podbor.routing.calllists.selectors import (
    call_counts_today,
    call_item_next,
    call_items_of,
    call_list_current,
    call_list_queue,
)
from podbor.routing.models import CallList, CallListFilter, CallListItem, LeadCallState

WORKSPACE = "routing/_calllist_workspace.html"


def _not_applicable(item: CallListItem, user) -> str:
    """Why this item's card cannot log a call now, or "" when it can."""
    if item.state != CallListItem.State.OPEN:
        return _("This lead's call is already logged, or it left your list: the card does not apply any more.")
    if not deals_visible_to(user).filter(pk=item.deal_id, closed_at__isnull=True).exists():
        return _("This deal is closed or no longer yours: the card does not apply.")
    return ""


def _filters_of(user) -> QuerySet[CallListFilter]:
    """The filters the manager may choose from: active, and none needing a skill they lack."""
    return CallListFilter.objects.filter(pk__in=[f.pk for f in filters_for(user)])


def _workspace(request: HttpRequest, call_list: CallList, item: CallListItem | None, *, form=None,
               notice: str = "") -> dict:
    context = {
        "call_list": call_list,
        "why": WHY_LABELS.get(call_list.why, call_list.why),
        "queue": call_list_queue(call_list),
        "counts": call_counts_today(request.user),
        "item": item,
        "notice": notice,
        "rebuild_form": RebuildForm(filters=_filters_of(request.user),
                                    initial={"filter": call_list.chosen_filter_id}),
    }
    if item is not None:
        deal = item.deal
        context["deal"] = deal
        context["state"] = LeadCallState.objects.filter(deal=deal).first()
        context["not_applicable"] = _not_applicable(item, request.user)
        if not context["not_applicable"]:
            context["form"] = form or CallCardForm(deal=deal)
            context["next_stage"] = next_open_stage(deal)
    return context


def _show_error(form: CallCardForm, exc: ServiceError) -> None:
    """The service names the card's corrections "fields.<name>" and a guard's fields "custom.<code>": put each
    message under the input it is about (a guard's missing fields are inputs of the card too)."""
    fields: dict[str, list[str]] = {}
    for name, messages in exc.fields.items():
        name = name.removeprefix("fields.")
        if name not in form.fields:
            name = name.split(".")[0]
        fields.setdefault(name, []).extend(messages)
    form_show_service_error(form, ValidationFailed(exc.detail, fields=fields))


def _item_of(request: HttpRequest, pk: int) -> CallListItem:
    items = call_items_of(request.user).select_related("call_list", "deal", "deal__contact", "deal__pipeline",
                                                       "deal__stage")
    return get_object_or_404(items, pk=pk)


@login_required
@require_GET
def call_list_page(request: HttpRequest) -> HttpResponse:
    call_list = call_list_ensure(user=request.user)
    item = call_item_next(call_list)
    if item is not None:
        item = _item_of(request, item.pk)
    return render(request, "routing/calllist.html", _workspace(request, call_list, item))


@login_required
@require_GET
def call_item_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_of(request, pk)
    call_list = call_list_current(request.user) or item.call_list
    return render(request, "routing/calllist.html", _workspace(request, call_list, item))


@login_required
@require_POST
def call_item_outcome_post(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_of(request, pk)
    is_htmx = request.headers.get("HX-Request") == "true"
    notice = _not_applicable(item, request.user)
    if notice:
        call_list = call_list_current(request.user) or item.call_list
        context = _workspace(request, call_list, item, notice=notice)
        return render(request, WORKSPACE if is_htmx else "routing/calllist.html", context)
    form = CallCardForm(request.POST, deal=item.deal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = call_item_outcome(
                item=item, actor=request.user, outcome=data["outcome"], callback_at=data["callback_at"],
                pin=data["pin"], lost_reason=data["lost_reason"], fields=form.changes() or None, deal_id=data["deal"],
            )
        except ServiceError as exc:
            _show_error(form, exc)
        else:
            if not is_htmx:
                return redirect("routing-call-list")
            call_list = call_list_current(request.user)
            next_item = _item_of(request, result.next_item.pk) if result.next_item is not None else None
            return render(request, WORKSPACE, _workspace(request, call_list, next_item))
    call_list = call_list_current(request.user) or item.call_list
    context = _workspace(request, call_list, item, form=form)
    return render(request, WORKSPACE if is_htmx else "routing/calllist.html", context)


@login_required
@require_POST
def call_list_rebuild_post(request: HttpRequest) -> HttpResponse:
    form = RebuildForm(request.POST, filters=_filters_of(request.user))
    # The form holds the manager's choice (shown pre-selected); a filter gone meanwhile means all their filters.
    chosen = form.cleaned_data["filter"] if form.is_valid() else None
    call_list_rebuild(user=request.user, only_filter=chosen)
    return redirect("routing-call-list")
