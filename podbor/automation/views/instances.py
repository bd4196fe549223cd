"""Instances of a process, all incidents, and one instance drawn on its diagram. Team leads and administrators run
these pages; anyone who may see an instance's deal may open that instance (the deal card links to it)."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from podbor.automation.access import can_cancel, can_design, can_operate, require_operator
from podbor.automation.models import ProcessDefinition, ProcessInstance
from podbor.automation.selectors import (
    OPEN_STATUSES,
    element_names,
    instance_path,
    instances_visible_to,
    waiting_described,
)
from podbor.automation.services import instance_cancel, instance_retry
from podbor.lib.errors import ServiceError

PAGE_SIZE = 50
OPEN = "open"
ALL = "all"


class InstanceFilter(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=[
        (OPEN, gettext_lazy("Running, waiting and incidents")), *ProcessInstance.Status.choices,
        (ALL, gettext_lazy("All")),
    ])
    version = forms.TypedChoiceField(label=gettext_lazy("Version"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, versions: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [("", _("All versions"))] + [(v, f"v{v}") for v in versions]


def _described(instances) -> list[ProcessInstance]:
    rows = list(instances)
    for row in rows:
        row.waiting = waiting_described(row)
    return rows


def _page(request: HttpRequest, instances):
    page = Paginator(instances, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _described(page.object_list)
    return page


@login_required
@require_GET
def instance_list(request: HttpRequest, key: str) -> HttpResponse:
    require_operator(request.user)
    versions = list(ProcessDefinition.objects.filter(key=key).order_by("-version").values_list("version", flat=True))
    if not versions:
        raise Http404
    latest = ProcessDefinition.objects.defer("spec").get(key=key, version=versions[0])
    form = InstanceFilter(request.GET or None, versions=versions)
    status, version = OPEN, None
    if form.is_valid():
        status, version = form.cleaned_data["status"] or OPEN, form.cleaned_data["version"]
    instances = (instances_visible_to(request.user).filter(definition__key=key)
                 .select_related("definition", "deal").order_by("-id"))
    if status == OPEN:
        instances = instances.filter(status__in=OPEN_STATUSES)
    elif status != ALL:
        instances = instances.filter(status=status)
    if version is not None:
        instances = instances.filter(definition__version=version)
    return render(request, "automation/instances.html", {
        "latest": latest, "filter_form": form, "page_obj": _page(request, instances),
        "can_design": can_design(request.user), "can_retry": can_operate(request.user),
    })


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    require_operator(request.user)
    instances = (instances_visible_to(request.user).filter(status=ProcessInstance.Status.INCIDENT)
                 .select_related("definition", "deal").order_by("-updated_at", "-id"))
    return render(request, "automation/incidents.html", {"page_obj": _page(request, instances)})


@login_required
@require_GET
def instance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instance = get_object_or_404(
        instances_visible_to(request.user).select_related("definition", "deal", "contact", "started_by"), pk=pk)
    names = element_names(instance.definition)
    steps = list(instance.steps.order_by("at", "id"))
    for step in steps:
        step.name = names.get(step.element_id, "")
    incident = instance.incident or None
    if incident:
        incident = {**incident, "name": names.get(incident.get("element_id") or "", "")}
    ended = instance.status in (ProcessInstance.Status.COMPLETED, ProcessInstance.Status.CANCELLED)
    waiting = waiting_described(instance)
    return render(request, "automation/instance.html", {
        "instance": instance,
        "steps": steps,
        "waiting": waiting,
        "incident": incident,
        "variables": json.dumps(instance.variables or {}, ensure_ascii=False, indent=2, sort_keys=True, default=str),
        "user_tasks": instance.user_tasks.select_related("task", "task__assignee").order_by("id"),
        "can_retry": can_operate(request.user) and instance.status == ProcessInstance.Status.INCIDENT,
        "can_cancel": can_cancel(request.user) and not ended,
        "can_operate": can_operate(request.user),
        "viewer": {
            "xml": instance.definition.bpmn_xml,
            "taken": instance_path(instance),
            "waiting": [w.get("id") for w in waiting if w.get("id")],
            "incident": (incident or {}).get("element_id") or "",
        },
    })


def _back(request: HttpRequest, instance: ProcessInstance) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("automation-instance", pk=instance.pk)


@login_required
@require_POST
def instance_retry_post(request: HttpRequest, pk: int) -> HttpResponse:
    require_operator(request.user)
    instance = get_object_or_404(instances_visible_to(request.user), pk=pk)
    try:
        instance = instance_retry(instance=instance, actor=request.user) or instance
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return _back(request, instance)
    failure = {"id": instance.pk, "message": (instance.incident or {}).get("message", "")}
    if instance.status == ProcessInstance.Status.INCIDENT:
        messages.error(request, _("Instance #%(id)s failed again: %(message)s") % failure)
    elif instance.incident:
        messages.warning(request, _("Instance #%(id)s failed again: %(message)s. It is retried by itself in a "
                                    "few seconds, then stops as an incident again.") % failure)
    else:
        messages.success(request, _("Instance #%(id)s goes on: %(status)s.") % {
            "id": instance.pk, "status": instance.get_status_display()})
    return _back(request, instance)


@login_required
@require_POST
def instance_cancel_post(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_cancel(request.user):
        raise PermissionDenied
    instance = get_object_or_404(instances_visible_to(request.user), pk=pk)
    try:
        instance = instance_cancel(instance=instance, actor=request.user) or instance
    except ServiceError as exc:
        messages.error(request, exc.detail)
        return _back(request, instance)
    messages.success(request, _("Instance #%(id)s is cancelled.") % {"id": instance.pk})
    return _back(request, instance)
