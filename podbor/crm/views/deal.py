"""The deal card: one page made of parts that reload themselves when an action tells them to (HX-Trigger)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.crm.forms import DealFieldsForm, LinkForm, LostForm, NoteForm, TaskForm, form_show_service_error
from podbor.crm.models import ChecklistItem, CustomField, Deal, Task
from podbor.crm.selectors import (
    deals_visible_to,
    possible_duplicates_visible_to,
    timeline_of_deal,
    users_assignable_by,
)
from podbor.crm.services import deal_close_lost, deal_link, deal_move_to_stage, deal_update
from podbor.crm.services.custom_fields import custom_fields_for
from podbor.crm.views.htmx import is_htmx, render_partial
from podbor.lib.errors import GuardFailed, ServiceError
from podbor.lib.ids import id_from_text

TIMELINE_LIMIT = 100
DONE_TASKS_SHOWN = 5


def deal_visible_or_404(request: HttpRequest, pk: int) -> Deal:
    deals = deals_visible_to(request.user).select_related(
        "pipeline", "stage", "contact", "responsible", "parent", "lost_reason", "company"
    )
    return get_object_or_404(deals, pk=pk)


def _custom_fields(deal: Deal) -> list[CustomField]:
    return sorted(custom_fields_for(CustomField.Entity.DEAL, deal.pipeline).values(), key=lambda f: (f.order, f.pk))


def head_context(request: HttpRequest, deal: Deal, *, error: str = "", missing=None, lost_form=None) -> dict:
    stages = list(deal.pipeline.stages.all())
    current = next((i for i, s in enumerate(stages) if s.pk == deal.stage_id), -1)
    lost = deal.stage.kind == deal.stage.Kind.LOST
    steps = [
        {"stage": s, "state": "current" if i == current else ("past" if i < current and not lost else "future")}
        for i, s in enumerate(stages) if s.kind != s.Kind.LOST
    ]
    return {
        "deal": deal,
        "steps": steps,
        "stage_error": error,
        "missing": missing or [],
        "lost_form": lost_form or LostForm(pipeline=deal.pipeline),
    }


def fields_context(request: HttpRequest, deal: Deal, *, form=None, saved: bool = False) -> dict:
    if form is None:
        form = DealFieldsForm(deal=deal, assignable=users_assignable_by(request.user),
                              custom_fields=_custom_fields(deal))
    return {"deal": deal, "fields_form": form, "fields_saved": saved}


def links_context(request: HttpRequest, deal: Deal, *, form=None) -> dict:
    visible = deals_visible_to(request.user)
    parent = visible.filter(pk=deal.parent_id).select_related("stage").first() if deal.parent_id else None
    children = visible.filter(parent=deal).select_related("stage").order_by("-id")
    candidates: QuerySet[Deal] = visible.none()
    if deal.contact_id:
        candidates = visible.filter(contact_id=deal.contact_id).exclude(pk=deal.pk).order_by("-id")[:20]
    return {
        "deal": deal,
        "parent": parent,
        "parent_hidden": deal.parent_id is not None and parent is None,
        "children": children,
        "link_candidates": candidates,
        "link_form": form or LinkForm(),
    }


def timeline_context(request: HttpRequest, deal: Deal) -> dict:
    entries = list(timeline_of_deal(deal)[: TIMELINE_LIMIT + 1])
    return {"deal": deal, "entries": entries[:TIMELINE_LIMIT], "timeline_cut": len(entries) > TIMELINE_LIMIT}


def tasks_context(request: HttpRequest, deal: Deal, *, task_form=None, task_errors: dict | None = None) -> dict:
    tasks = deal.tasks.select_related("assignee").prefetch_related(
        Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order", "id"))
    )
    open_tasks = list(tasks.filter(done_at__isnull=True).order_by(F("due_at").asc(nulls_last=True), "id"))
    for task in open_tasks:
        task.ui_error = (task_errors or {}).get(task.pk, "")
    return {
        "deal": deal,
        "open_tasks": open_tasks,
        "done_tasks": tasks.filter(done_at__isnull=False).order_by("-done_at")[:DONE_TASKS_SHOWN],
        "task_form": task_form or TaskForm(assignable=users_assignable_by(request.user),
                                           initial={"kind": Task.Kind.CALL}),
    }


def note_context(request: HttpRequest, deal: Deal, *, form=None) -> dict:
    return {"deal": deal, "note_form": form or NoteForm()}


# Each part of the card: its template and what it needs. The page includes them all.
PARTS: dict[str, tuple[str, Callable[..., dict]]] = {
    "head": ("crm/_deal_head.html", head_context),
    "fields": ("crm/_deal_fields.html", fields_context),
    "links": ("crm/_deal_links.html", links_context),
    "timeline": ("crm/_deal_timeline.html", timeline_context),
    "tasks": ("crm/_deal_tasks.html", tasks_context),
    "note": ("crm/_deal_note.html", note_context),
}


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    context: dict = {}
    for _template, build in PARTS.values():
        context |= build(request, deal)
    contact = deal.contact
    context |= {
        "deal": deal,
        "contact": contact,
        "phones": list(contact.phones.all()) if contact else [],
        "emails": list(contact.emails.all()) if contact else [],
        "duplicates": possible_duplicates_visible_to(request.user, contact) if contact else [],
    }
    return render(request, "crm/deal.html", context)


@login_required
@require_GET
def deal_part(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    if part not in PARTS:
        raise Http404
    deal = deal_visible_or_404(request, pk)
    template, build = PARTS[part]
    return render(request, template, build(request, deal))


def _done(request: HttpRequest, deal: Deal, part: str, context: dict, events: tuple[str, ...] = ()) -> HttpResponse:
    if not is_htmx(request):
        return redirect("crm-deal", pk=deal.pk)
    return render_partial(request, PARTS[part][0], context, events=events)


@login_required
@require_POST
def deal_fields_save(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    form = DealFieldsForm(request.POST, deal=deal, assignable=users_assignable_by(request.user),
                          custom_fields=_custom_fields(deal))
    if not form.is_valid():
        return _done(request, deal, "fields", fields_context(request, deal, form=form))
    changes = form.changes()
    if changes:
        try:
            deal = deal_update(deal=deal, actor=request.user, **changes)
        except ServiceError as exc:
            form_show_service_error(form, exc)
            return _done(request, deal, "fields", fields_context(request, deal, form=form))
    deal = deal_visible_or_404(request, pk)
    events = ("deal-head-changed", "timeline-changed") if changes else ()
    return _done(request, deal, "fields", fields_context(request, deal, saved=True), events)


@login_required
@require_POST
def deal_stage_set(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    stage = deal.pipeline.stages.filter(pk=request.POST.get("stage") or 0).first()
    if stage is None:
        return _done(request, deal, "head", head_context(request, deal, error=_("Choose a stage.")))
    try:
        deal_move_to_stage(deal=deal, stage=stage, actor=request.user)
    except GuardFailed as exc:
        return _done(request, deal, "head", head_context(request, deal, error=exc.detail, missing=exc.missing))
    except ServiceError as exc:
        return _done(request, deal, "head", head_context(request, deal, error=exc.detail))
    deal = deal_visible_or_404(request, pk)
    return _done(request, deal, "head", head_context(request, deal), ("timeline-changed",))


@login_required
@require_POST
def deal_lost(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    form = LostForm(request.POST, pipeline=deal.pipeline)
    if not form.is_valid():
        return _done(request, deal, "head", head_context(request, deal, lost_form=form))
    try:
        deal_close_lost(deal=deal, reason=form.cleaned_data["lost_reason"], actor=request.user)
    except ServiceError as exc:
        form_show_service_error(form, exc)
        return _done(request, deal, "head", head_context(request, deal, lost_form=form))
    deal = deal_visible_or_404(request, pk)
    return _done(request, deal, "head", head_context(request, deal), ("timeline-changed",))


@login_required
@require_POST
def deal_link_set(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        parent = deals_visible_to(request.user).filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            form.add_error("parent", _("There is no such deal, or you cannot see it."))
        else:
            try:
                deal_link(deal=deal, parent=parent, actor=request.user)
            except ServiceError as exc:
                form_show_service_error(form, exc)
    if form.errors:
        return _done(request, deal, "links", links_context(request, deal, form=form))
    deal = deal_visible_or_404(request, pk)
    return _done(request, deal, "links", links_context(request, deal), ("timeline-changed",))


@login_required
@require_POST
def deal_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    """Unlink ``pk`` from its parent; the answer is the links part of the deal being shown."""
    deal = deal_visible_or_404(request, pk)
    shown = deal
    shown_pk = id_from_text(request.POST.get("shown"))
    if shown_pk and shown_pk != deal.pk:
        shown = deal_visible_or_404(request, shown_pk)
    deal_link(deal=deal, parent=None, actor=request.user)
    shown = deal_visible_or_404(request, shown.pk)
    return _done(request, shown, "links", links_context(request, shown), ("timeline-changed",))
