"""Possible duplicates on the contact and deal cards: merge one contact into the other, or mark the pair as two
different people. Both contacts must be visible to the user; either may be the one that stays."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from podbor.crm.models import Contact
from podbor.crm.selectors import contacts_visible_to
from podbor.crm.services import contact_merge, possible_duplicate_dismiss
from podbor.lib.errors import ServiceError


def _visible_or_404(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(contacts_visible_to(request.user), pk=pk)


def _back(request: HttpRequest, fallback: Contact) -> str:
    """The page the button was on (the deal card or a contact card), if it is ours."""
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return reverse("crm-contact", args=[fallback.pk])


@login_required
@require_POST
def contact_merge_into(request: HttpRequest, pk: int, into: int) -> HttpResponse:
    contact = _visible_or_404(request, pk)
    target = _visible_or_404(request, into)
    try:
        survivor = contact_merge(contact=contact, into=target, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return redirect(_back(request, fallback=target))
    messages.success(request, _("“%(merged)s” was merged into this contact: deals, tasks and history are here now.")
                     % {"merged": contact})
    return redirect("crm-contact", pk=survivor.pk)


@login_required
@require_POST
def contact_not_duplicate(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    contact = _visible_or_404(request, pk)
    other_contact = _visible_or_404(request, other)
    try:
        possible_duplicate_dismiss(contact=contact, other=other_contact, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Marked as different people: the pair is no longer shown."))
    return redirect(_back(request, fallback=contact))
