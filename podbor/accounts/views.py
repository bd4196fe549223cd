"""Signing in and out, the user's own API tokens, presence (the header switch, the team's page) and working
hours (set by administrators and team leads; a manager sees their own)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.dates import WEEKDAYS
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podbor.accounts.forms import ApiTokenForm, WorkScheduleForm
from podbor.accounts.models import ApiToken, User
from podbor.accounts.selectors import presence_team_of, work_schedule_editable_by, work_schedule_people_of
from podbor.accounts.services import api_token_issue, api_token_revoke, presence_set, work_schedule_set
from podbor.accounts.templatetags.presence import presence_context
from podbor.lib.errors import ServiceError, ValidationFailed


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Django's logout answers POST only, so a link or a prefetch cannot sign anybody out."""


def _tokens_page(request: HttpRequest, *, form: ApiTokenForm, issued: str = "") -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "issued": issued})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _tokens_page(request, form=ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form=form)
    # The token is shown in this answer only; it is never stored in clear nor put in a URL.
    issued = api_token_issue(user=request.user, name=form.cleaned_data["name"].strip())
    return _tokens_page(request, form=ApiTokenForm(), issued=issued)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    api_token_revoke(token=token)
    return redirect("accounts-tokens")


@login_required
@require_POST
def presence_switch(request: HttpRequest) -> HttpResponse:
    """The header's one-click switch: HTMX gets the switch back to put in place; without JS, back to the page."""
    try:
        presence_set(user=request.user, status=request.POST.get("status", ""), via="ui")
    except ValidationFailed as exc:
        return HttpResponseBadRequest(" ".join(str(m) for m in exc.fields.get("status", [exc.detail])))
    if request.headers.get("HX-Request"):
        response = render(request, "accounts/_presence.html", presence_context(request.user))
        response["HX-Trigger"] = "presence-changed"  # other parts of the page (a call list) may refresh
        return response
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = resolve_url(settings.LOGIN_REDIRECT_URL)
    return redirect(target)


@never_cache
@login_required
@require_GET
def presence_team(request: HttpRequest) -> HttpResponse:
    """Who of the team is at work now and since when: for team leads and administrators."""
    if not (request.user.is_admin or request.user.is_team_lead):
        raise PermissionDenied
    people = list(presence_team_of(request.user))
    context = {"people": people, "at_work": sum(1 for p in people if p.presence_effective_now == "at_work")}
    template = "accounts/_presence_team.html" if request.headers.get("HX-Request") else "accounts/presence_team.html"
    return render(request, template, context)


def _week_of(person: User) -> list[dict]:
    """Each weekday with the person's hours that day, for the pages' tables."""
    rows = person.work_schedule.all()
    return [{"weekday": weekday, "name": name, "hours": [r for r in rows if r.weekday == weekday]}
            for weekday, name in WEEKDAYS.items()]


@never_cache
@login_required
@require_GET
def work_hours_list(request: HttpRequest) -> HttpResponse:
    """Working hours of the people the viewer may see: everyone for an admin, the team for a team lead, a manager
    their own."""
    people = list(work_schedule_people_of(request.user))
    for person in people:
        person.week = _week_of(person)
        person.editable = work_schedule_editable_by(request.user, person)
    return render(request, "accounts/work_hours.html", {"people": people, "weekdays": list(WEEKDAYS.values())})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def work_hours_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's week: a form for those who may set it, the hours alone for the person themselves. Someone the
    viewer may not see is a 404."""
    person = get_object_or_404(work_schedule_people_of(request.user), pk=pk)
    editable = work_schedule_editable_by(request.user, person)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = None
    if editable:
        form = WorkScheduleForm(request.POST if request.method == "POST" else None, rows=person.work_schedule.all())
        if request.method == "POST" and form.is_valid():
            try:
                work_schedule_set(actor=request.user, user=person, hours=form.hours())
            except ServiceError as exc:
                form.show_service_error(exc)
            else:
                messages.success(request, _("Working hours of %(name)s saved.") % {"name": person})
                return redirect("accounts-work-hours")
    week = _week_of(person)
    return render(request, "accounts/work_hours_edit.html", {
        "person": person, "form": form, "editable": editable, "week": week,
        "has_hours": any(day["hours"] for day in week),
    })
