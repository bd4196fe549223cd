"""My tasks: the user's open tasks, overdue first, then by due time."""

from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, Case, F, Prefetch, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from podbor.crm.models import ChecklistItem
from podbor.crm.selectors import tasks_visible_to

MY_TASKS_LIMIT = 300


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    tasks = (
        tasks_visible_to(request.user)
        .filter(assignee=request.user, done_at__isnull=True)
        .select_related("deal", "deal__stage", "contact", "assignee")
        .prefetch_related(Prefetch("checklist", queryset=ChecklistItem.objects.order_by("order", "id")))
        .annotate(overdue=Case(When(due_at__lt=now, then=Value(True)), default=Value(False),
                               output_field=BooleanField()))
        .order_by("-overdue", F("due_at").asc(nulls_last=True), "id")
    )
    rows = list(tasks[: MY_TASKS_LIMIT + 1])
    return render(request, "crm/tasks.html", {
        "tasks": rows[:MY_TASKS_LIMIT], "tasks_cut": len(rows) > MY_TASKS_LIMIT, "now": now,
        "overdue_count": sum(1 for t in rows if t.overdue),
    })
