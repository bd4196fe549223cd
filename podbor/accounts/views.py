"""Signing in and out, and the user's own API tokens."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from podbor.accounts.forms import ApiTokenForm
from podbor.accounts.models import ApiToken
from podbor.accounts.services import api_token_issue, api_token_revoke


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
