"""The unassigned queue, for team leads and administrators: deals waiting for a manager, why, and since when; each
can be handed to a manager by hand or put through the rules again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.accounts.models import User
from podbor.crm.selectors import deals_visible_to, users_assignable_by
from podbor.lib.errors import ServiceError
from podbor.lib.ids import id_from_text
from podbor.routing.models import Assignment
from podbor.routing.selectors import considered_explained, queue_visible_to
from podbor.routing.services import deal_assign, deal_reassign

SHOWN = 200


def require_lead(user: User) -> None:
    if not (user.is_admin or user.is_team_lead):
        raise PermissionDenied


@login_required
@require_GET
def queue_page(request: HttpRequest) -> HttpResponse:
    require_lead(request.user)
    queued = queue_visible_to(request.user)
    rows = list(queued[:SHOWN])
    latest: dict[int, Assignment] = {}
    for assignment in Assignment.objects.filter(deal_id__in=[q.deal_id for q in rows]).order_by("id"):
        latest[assignment.deal_id] = assignment
    for row in rows:
        assignment = latest.get(row.deal_id)
        row.why = [c for c in considered_explained(assignment) if not c["eligible"]] if assignment else []
    context = {"rows": rows, "total": queued.count(), "assignable": users_assignable_by(request.user)}
    return render(request, "routing/queue.html", context)


@login_required
@require_POST
def queue_assign(request: HttpRequest, deal_pk: int) -> HttpResponse:
    """Hand a deal to the chosen manager, or (no manager chosen) put it through the rules again."""
    require_lead(request.user)
    deal = get_object_or_404(deals_visible_to(request.user), pk=deal_pk)
    user_pk = request.POST.get("user", "")
    try:
        if user_pk:
            user = users_assignable_by(request.user).filter(pk=id_from_text(user_pk) or 0).first()
            if user is None:
                messages.error(request, _("You cannot make this user responsible."))
                return redirect("routing-queue")
            deal_reassign(deal=deal, user=user, actor=request.user)
            messages.success(request, _("“%(deal)s” assigned to %(user)s.") % {"deal": deal.title, "user": user})
        else:
            assignment = deal_assign(deal=deal, actor=request.user)
            if assignment.user_id:
                messages.success(request, _("“%(deal)s” assigned to %(user)s.") % {"deal": deal.title,
                                                                                  "user": assignment.user})
            else:
                messages.warning(request, _("Still nobody eligible for “%(deal)s”.") % {"deal": deal.title})
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("routing-queue")
