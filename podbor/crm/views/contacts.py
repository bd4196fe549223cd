"""Contacts: the searchable list (the search is POSTed, it may hold a phone or an email) and the contact card."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podbor.crm.forms import ContactForm, ContactSearchForm, form_show_service_error
from podbor.crm.models import Contact
from podbor.crm.selectors import (
    contacts_search,
    contacts_visible_to,
    deals_visible_to,
    possible_duplicates_visible_to,
    timeline_of_contact,
)
from podbor.crm.services import contact_update
from podbor.crm.views.htmx import is_htmx, render_partial
from podbor.lib.errors import ServiceError

CONTACTS_PAGE = 50
TIMELINE_LIMIT = 100


@login_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest) -> HttpResponse:
    form = ContactSearchForm(request.POST if request.method == "POST" else None)
    q, page = "", 1
    if form.is_bound and form.is_valid():
        q = (form.cleaned_data["q"] or "").strip()
        page = form.cleaned_data["page"] or 1
    found = contacts_search(contacts_visible_to(request.user), q).prefetch_related("phones", "emails")
    page_obj = Paginator(found.order_by("-id"), CONTACTS_PAGE).get_page(page)
    context = {"search_form": form if form.is_bound else ContactSearchForm(), "page_obj": page_obj, "q": q}
    if is_htmx(request):
        return render(request, "crm/_contacts_results.html", context)
    return render(request, "crm/contacts.html", context)


def _contact_or_404(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(contacts_visible_to(request.user).select_related("company"), pk=pk)


def _timeline_context(request: HttpRequest, contact: Contact) -> dict:
    entries = list(
        timeline_of_contact(contact, deals=deals_visible_to(request.user))
        .order_by("-created_at", "-id")[: TIMELINE_LIMIT + 1]
    )
    return {"contact": contact, "entries": entries[:TIMELINE_LIMIT], "timeline_cut": len(entries) > TIMELINE_LIMIT}


def _survivor_or_404(request: HttpRequest, pk: int) -> Contact:
    """Where a merged contact's old links lead: the contact it was merged into, if the user may see that one."""
    current = get_object_or_404(Contact.objects.filter(merged_into__isnull=False), pk=pk)
    for _hop in range(10):  # a chain of merges; a loop is impossible but must not hang a request
        if current.merged_into_id is None:
            return get_object_or_404(contacts_visible_to(request.user), pk=current.pk)
        current = Contact.objects.get(pk=current.merged_into_id)
    raise Http404


@login_required
@require_GET
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = contacts_visible_to(request.user).select_related("company").filter(pk=pk).first()
    if contact is None:
        return redirect("crm-contact", pk=_survivor_or_404(request, pk).pk)
    deals = (
        deals_visible_to(request.user).filter(contact=contact)
        .select_related("pipeline", "stage", "responsible").order_by("closed_at", "-id")
    )
    context = _timeline_context(request, contact) | {
        "contact": contact,
        "phones": list(contact.phones.all()),
        "emails": list(contact.emails.all()),
        "contact_form": ContactForm(initial=ContactForm.initial_of(contact)),
        "deals": deals,
        "duplicates": possible_duplicates_visible_to(request.user, contact),
    }
    return render(request, "crm/contact.html", context)


@login_required
@require_GET
def contact_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    return render(request, "crm/_contact_timeline.html", _timeline_context(request, contact))


@login_required
@require_POST
def contact_save(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact_or_404(request, pk)
    form = ContactForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            contact_update(contact=contact, actor=request.user, **form.changes())
        except ServiceError as exc:
            form_show_service_error(form, exc)
        else:
            saved = True
    if not is_htmx(request):
        return redirect("crm-contact", pk=contact.pk)
    if saved:
        contact = _contact_or_404(request, pk)
        form = ContactForm(initial=ContactForm.initial_of(contact))
    context = {"contact": contact, "contact_form": form, "contact_saved": saved,
               "phones": list(contact.phones.all()), "emails": list(contact.emails.all())}
    return render_partial(request, "crm/_contact_form.html", context, events=("timeline-changed",) if saved else ())
