"""Sources, for administrators: the list with today's traffic, creation, editing and a new token.

A source's credentials are shown once, in the answer that created them: never stored in clear, never put in a
URL of ours, never shown again (a lost token is replaced, not recovered)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podbor.accounts.models import User
from podbor.crm.forms import form_show_service_error
from podbor.intake.forms import SourceCreateForm, SourceEditForm
from podbor.intake.models import InboundEvent, Source
from podbor.intake.services import source_create, source_token_rotate, source_update
from podbor.lib.errors import ServiceError


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied


def intake_url(request: HttpRequest, source: Source) -> str:
    return request.build_absolute_uri(reverse("api-v1:intake_deliver", kwargs={"slug": source.slug}))


@login_required
@require_GET
def sources_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = {
        f"today_{status}": Count("events", filter=Q(events__status=status, events__received_at__gte=today))
        for status in InboundEvent.Status.values
    }
    sources = list(Source.objects.select_related("pipeline", "stage").annotate(**counts).order_by("name"))
    for source in sources:
        source.url = intake_url(request, source)
        source.today = [
            (status, label, getattr(source, f"today_{status}"))
            for status, label in InboundEvent.Status.choices if getattr(source, f"today_{status}")
        ]
    return render(request, "intake/sources.html", {"sources": sources})


def _credentials_page(request: HttpRequest, source: Source, token: str, *, created: bool) -> HttpResponse:
    url = intake_url(request, source)
    context = {
        "source": source,
        "token": token,
        "url": url,
        "url_with_token": f"{url}?token={token}",
        "created": created,
        # The HMAC secret is shown with the first token only; a new token leaves signing as it was.
        "hmac_secret": source.hmac_secret if created else "",
    }
    return render(request, "intake/source_credentials.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def source_new(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = SourceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source, token = source_create(name=data["name"], kind=data["kind"], pipeline=data["pipeline"],
                                          stage=data["stage"], relevance=form.relevance())
        except ServiceError as exc:
            form_show_service_error(form, exc)
        else:
            return _credentials_page(request, source, token, created=True)
    return render(request, "intake/source_form.html", {"form": form, "source": None})


@login_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    source = get_object_or_404(Source.objects.select_related("pipeline", "stage"), pk=pk)
    form = SourceEditForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source_update(source=source, name=data["name"], is_active=data["is_active"], stage=data["stage"],
                          relevance=form.relevance(source.relevance))
        except ServiceError as exc:
            form_show_service_error(form, exc)
        else:
            messages.success(request, _("Source “%(name)s” saved.") % {"name": source.name})
            return redirect("intake-sources")
    context = {"form": form, "source": source, "url": intake_url(request, source)}
    return render(request, "intake/source_form.html", context)


@never_cache
@login_required
@require_POST
def source_token_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    source = get_object_or_404(Source, pk=pk)
    token = source_token_rotate(source=source)
    return _credentials_page(request, source, token, created=False)
