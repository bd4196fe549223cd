"""Call-list filters, for administrators: the list with every share editable at once, and a page per filter."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podbor.crm.forms import form_show_service_error
from podbor.lib.errors import ServiceError
from podbor.routing.calllists.filters import (
    SHARE_TOTAL,
    call_list_filter_delete,
    call_list_filter_save,
    call_list_filter_shares_set,
)
from podbor.routing.calllists.forms import CallFilterForm
from podbor.routing.calllists.selectors import call_list_filters


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_admin:
        raise PermissionDenied


def _list_page(request: HttpRequest, *, errors: dict | None = None, posted: dict | None = None,
               status: int = 200) -> HttpResponse:
    filters = list(call_list_filters())
    for call_filter in filters:
        call_filter.shown_weight = (posted or {}).get(call_filter.pk, (call_filter.weight, call_filter.is_active))
    active_total = sum(w for w, active in (f.shown_weight for f in filters) if active)
    return render(request, "routing/callfilters.html", {
        "filters": filters, "errors": errors or {}, "active_total": active_total, "share_total": SHARE_TOTAL,
    }, status=status)


@login_required
@require_GET
def filters_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _list_page(request)


@login_required
@require_POST
def filters_shares(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    shares: dict[int, tuple[int, bool]] = {}
    errors: dict[str, list[str]] = {}
    for call_filter in call_list_filters():
        raw = request.POST.get(f"weight_{call_filter.pk}", "").strip()
        active = request.POST.get(f"active_{call_filter.pk}") == "on"
        if not raw.isdigit():
            errors[f"shares.{call_filter.pk}"] = [_("A share is a whole number of percent from 0 to 100.")]
            shares[call_filter.pk] = (call_filter.weight, active)
            continue
        shares[call_filter.pk] = (int(raw), active)
    if not errors:
        try:
            call_list_filter_shares_set(actor=request.user, shares=shares)
        except ServiceError as exc:
            errors = exc.fields or {"shares": [exc.detail]}
        else:
            messages.success(request, _("Shares saved."))
            return redirect("routing-call-filters")
    return _list_page(request, errors=errors, posted=shares, status=400)


def _form_page(request: HttpRequest, form: CallFilterForm, call_filter=None) -> HttpResponse:
    return render(request, "routing/callfilter_form.html", {"form": form, "call_filter": call_filter})


@login_required
@require_http_methods(["GET", "POST"])
def filter_new(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = CallFilterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call_filter = call_list_filter_save(actor=request.user, allow_empty=form.cleaned_data["allow_empty"],
                                                **form.values())
        except ServiceError as exc:
            form_show_service_error(form, exc, rename={"fields": "fields_text"})
        else:
            messages.success(request, _("Filter “%(name)s” saved.") % {"name": call_filter.name})
            return redirect("routing-call-filters")
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def filter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    call_filter = get_object_or_404(call_list_filters(), pk=pk)
    form = CallFilterForm(request.POST or None, call_filter=call_filter)
    if request.method == "POST" and form.is_valid():
        try:
            call_list_filter_save(actor=request.user, call_filter=call_filter,
                                  allow_empty=form.cleaned_data["allow_empty"], **form.values())
        except ServiceError as exc:
            form_show_service_error(form, exc, rename={"fields": "fields_text"})
        else:
            messages.success(request, _("Filter “%(name)s” saved.") % {"name": call_filter.name})
            return redirect("routing-call-filters")
    return _form_page(request, form, call_filter)


@login_required
@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    call_filter = get_object_or_404(call_list_filters(), pk=pk)
    try:
        call_list_filter_delete(actor=request.user, call_filter=call_filter)
    except ServiceError as exc:
        messages.error(request, " ".join([exc.detail, *sum(exc.fields.values(), [])]))
    else:
        messages.success(request, _("Filter “%(name)s” deleted.") % {"name": call_filter.name})
    return redirect("routing-call-filters")
