"""A new deal: for a contact found by search, or for a new contact typed in (name and phone)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from podbor.crm.forms import DealCreateForm, form_show_service_error
from podbor.crm.models import Contact
from podbor.crm.selectors import contacts_search, contacts_visible_to, users_assignable_by
from podbor.crm.services import deal_create_with_contact
from podbor.lib.errors import ServiceError
from podbor.lib.ids import id_from_text

PICK_LIMIT = 10


def _visible_contact(request: HttpRequest, pk) -> Contact | None:
    if not pk:
        return None
    return contacts_visible_to(request.user).prefetch_related("phones").filter(pk=pk).first()


@login_required
@require_http_methods(["GET", "POST"])
def deal_new(request: HttpRequest) -> HttpResponse:
    assignable = users_assignable_by(request.user)
    if request.method == "GET":
        raw = request.GET.get("contact", "")
        contact = _visible_contact(request, id_from_text(raw)) if id_from_text(raw) else None
        form = DealCreateForm(assignable=assignable, initial={
            "contact": contact.pk if contact else None,
            "pipeline": id_from_text(request.GET.get("pipeline")),
            "responsible": request.user.pk if assignable.filter(pk=request.user.pk).exists() else None,
        })
        return render(request, "crm/deal_new.html", {"form": form, "found": [contact] if contact else []})
    form = DealCreateForm(request.POST, assignable=assignable)
    picked = None
    if form.is_valid():
        data = form.cleaned_data
        picked = _visible_contact(request, data["contact"])
        if data["contact"] and picked is None:
            form.add_error(None, _("There is no such contact, or you cannot see it."))
        else:
            try:
                deal = deal_create_with_contact(
                    actor=request.user, title=data["title"], pipeline=data["pipeline"], contact=picked,
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                    responsible=data["responsible"], source=data["source"],
                )
            except ServiceError as exc:
                form_show_service_error(form, exc, rename={"full_name": "contact_name", "phones": "contact_phone"})
            else:
                return redirect("crm-deal", pk=deal.pk)
    return render(request, "crm/deal_new.html", {"form": form, "found": [picked] if picked else []})


@login_required
@require_POST
def contact_pick(request: HttpRequest) -> HttpResponse:
    """Contacts matching the typed name, phone or email, to choose one for the new deal (POSTed: personal data)."""
    q = (request.POST.get("contact_q") or "").strip()[:200]
    found = []
    if q:
        found = list(contacts_search(contacts_visible_to(request.user), q).prefetch_related("phones")[:PICK_LIMIT])
    return render(request, "crm/_contact_pick.html", {"found": found, "q": q})
