"""Notes and tasks: added on the deal card, checklists ticked and tasks completed on the card or in "My tasks"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from podbor.crm.forms import ChecklistToggleForm, NoteForm, TaskCompleteForm, TaskForm, form_show_service_error
from podbor.crm.models import Task
from podbor.crm.selectors import deals_visible_to, tasks_visible_to, users_assignable_by
from podbor.crm.services import note_add, task_checklist_set, task_complete, task_create
from podbor.crm.views.deal import PARTS, deal_visible_or_404, note_context, tasks_context
from podbor.crm.views.htmx import is_htmx, render_partial
from podbor.lib.errors import ServiceError


@login_required
@require_POST
def deal_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(actor=request.user, text=form.cleaned_data["text"], deal=deal)
        except ServiceError as exc:
            form_show_service_error(form, exc)
    if not is_htmx(request):
        return redirect("crm-deal", pk=deal.pk)
    if form.errors:
        return render_partial(request, PARTS["note"][0], note_context(request, deal, form=form))
    return render_partial(request, PARTS["note"][0], note_context(request, deal), events=("timeline-changed",))


@login_required
@require_POST
def deal_task_add(request: HttpRequest, pk: int) -> HttpResponse:
    deal = deal_visible_or_404(request, pk)
    form = TaskForm(request.POST, assignable=users_assignable_by(request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            task_create(
                actor=request.user,
                title=data["title"],
                kind=data["kind"],
                due_at=data["due_at"],
                assignee=data["assignee"],
                deal=deal,
                checklist=form.checklist_lines(),
            )
        except ServiceError as exc:
            form_show_service_error(form, exc)
    if not is_htmx(request):
        return redirect("crm-deal", pk=deal.pk)
    if form.errors:
        return render_partial(request, PARTS["tasks"][0], tasks_context(request, deal, task_form=form))
    return render_partial(request, PARTS["tasks"][0], tasks_context(request, deal), events=("timeline-changed",))


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    tasks = tasks_visible_to(request.user).select_related("assignee", "deal", "contact")
    return get_object_or_404(tasks, pk=pk)


@login_required
@require_POST
def task_checklist_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request, pk)
    form = ChecklistToggleForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            task_checklist_set(task=task, actor=request.user,
                               checklist={form.cleaned_data["item"]: form.cleaned_data["done"]})
        except ServiceError as exc:
            error = exc.detail
    if not is_htmx(request):
        return redirect("crm-deal", pk=task.deal_id) if task.deal_id else redirect("crm-my-tasks")
    task = _task_or_404(request, pk)
    return render_partial(request, "crm/_task.html", {"task": task, "task_error": error, "in_list": _in_list(request)})


def _in_list(request: HttpRequest) -> bool:
    return request.POST.get("context") == "list"


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Complete with a result. On the deal card the tasks part comes back; in "My tasks" the row goes away."""
    task = _task_or_404(request, pk)
    form = TaskCompleteForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            task_complete(task=task, actor=request.user, result=form.cleaned_data["result"])
        except ServiceError as exc:
            error = exc.detail
    else:
        error = " ".join(m for messages in form.errors.values() for m in messages)
    in_list = _in_list(request)
    if not is_htmx(request):
        return redirect("crm-my-tasks") if in_list or not task.deal_id else redirect("crm-deal", pk=task.deal_id)
    deal = deals_visible_to(request.user).filter(pk=task.deal_id).first() if task.deal_id else None
    if in_list or deal is None:
        if not error:
            return HttpResponse("", headers={"HX-Trigger": "my-tasks-changed"})
        task = _task_or_404(request, pk)
        return render_partial(request, "crm/_task.html", {"task": task, "task_error": error, "in_list": in_list})
    deal = deal_visible_or_404(request, deal.pk)
    context = tasks_context(request, deal, task_errors={task.pk: error} if error else None)
    return render_partial(request, PARTS["tasks"][0], context, events=() if error else ("timeline-changed",))
