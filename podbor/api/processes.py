"""Processes over HTTP: deploy BPMN, start instances on deals, read and steer instances."""

import datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import visible_or_404
from podbor.api.schemas import Id, Input, Page, error_responses
from podbor.automation.access import can_cancel
from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessStep, ProcessTrigger
from podbor.automation.selectors import instances_visible_to
from podbor.automation.services import (
    MAX_DIAGRAM_BYTES,
    definition_current,
    instance_cancel,
    instance_retry,
    process_deploy,
    process_start,
    trigger_create,
    trigger_delete,
    trigger_update,
)
from podbor.crm.models import Pipeline, Stage
from podbor.crm.selectors import deals_visible_to
from podbor.lib.errors import PermissionRefused, ValidationFailed

router = Router(tags=["processes"])


def _require_admin(request: HttpRequest) -> None:
    if not request.auth.is_admin:
        raise PermissionRefused(_("Only an administrator may do this."))


class DefinitionOut(Schema):
    id: int
    key: str
    name: str
    version: int
    is_active: bool
    start_timer: str
    deployed_at: datetime.datetime


def _definition_out(d: ProcessDefinition) -> dict:
    return {"id": d.pk, "key": d.key, "name": d.name, "version": d.version, "is_active": d.is_active,
            "start_timer": d.start_timer, "deployed_at": d.deployed_at}


@router.post("/processes", response={201: DefinitionOut, **error_responses(400, 403, 413)},
             summary="Deploy a BPMN diagram",
             openapi_extra={"requestBody": {"content": {
                 "application/xml": {"schema": {"type": "string"}},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}}}}}})
def processes_deploy(request: HttpRequest):
    """The BPMN XML as the body (`Content-Type: application/xml`) or as a multipart `file`. The process id in
    the diagram is the key; a changed diagram becomes the next version. A broken diagram answers 400 with
    `"errors": [{"id", "tag", "reason", "line"}]` and nothing is deployed."""
    _require_admin(request)
    if (request.content_type or "").startswith("multipart/"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(_("Attach the diagram as “file”."), fields={"file": [_("Required.")]})
        if upload.size > MAX_DIAGRAM_BYTES:
            raise ValidationFailed(_("The diagram is too large."), fields={"file": [_("At most 2 MB.")]})
        xml = upload.read()
    else:
        try:
            xml = request.body
        except RequestDataTooBig:  # past Django's limit the body is not read at all
            raise ValidationFailed(_("The diagram is too large."), fields={"body": [_("At most 2 MB.")]}) from None
    if not xml.strip():
        raise ValidationFailed(_("Send the BPMN XML."), fields={"body": [_("Required.")]})
    definition = process_deploy(xml=xml, actor=request.auth)
    return Status(201, _definition_out(definition))


@router.get("/processes", response={200: Page[DefinitionOut], **error_responses(403)})
def processes_list(request: HttpRequest, page: Query[PageParams]):
    """The newest version of every process."""
    if not (request.auth.is_admin or request.auth.is_team_lead):
        raise PermissionRefused(_("Only a team lead or an administrator may see the processes."))
    newest = ProcessDefinition.objects.filter(
        pk__in=ProcessDefinition.objects.values("key").annotate(newest=Max("id")).values("newest"))
    return paginate(newest.order_by("key"), page, _definition_out)


@router.get("/processes/catalogue", response={200: Any})
def processes_catalogue(request: HttpRequest):
    """The service tasks a diagram may use, with their typed parameters (what the designer offers)."""
    from podbor.automation.engine.catalogue import catalogue_as_json

    return catalogue_as_json()


class TriggerIn(Input):
    process: str = Field(..., max_length=100)
    kind: str = Field(..., max_length=20, description=", ".join(ProcessTrigger.Kind.values))
    pipeline: Id | None = None
    stage: Id | None = None
    field: str = Field("", max_length=100)
    is_active: bool = True


class TriggerOut(Schema):
    id: int
    process: str
    kind: str
    pipeline: int | None
    stage: int | None
    field: str
    is_active: bool


def _trigger_out(t: ProcessTrigger) -> dict:
    return {"id": t.pk, "process": t.process_key, "kind": t.kind, "pipeline": t.pipeline_id,
            "stage": t.stage_id, "field": t.field, "is_active": t.is_active}


def _pipeline_and_stage(pipeline_id: int | None, stage_id: int | None) -> tuple[Pipeline | None, Stage | None]:
    errors = {}
    pipeline = Pipeline.objects.filter(pk=pipeline_id).first() if pipeline_id else None
    stage = Stage.objects.filter(pk=stage_id).first() if stage_id else None
    if pipeline_id and pipeline is None:
        errors["pipeline"] = [_("No such pipeline.")]
    if stage_id and stage is None:
        errors["stage"] = [_("No such stage.")]
    if errors:
        raise ValidationFailed(_("The trigger has errors."), fields=errors)
    return pipeline, stage


@router.post("/process-triggers", response={201: TriggerOut, **error_responses(400, 403)})
def triggers_create(request: HttpRequest, payload: TriggerIn):
    """Start a process by itself when a deal is created, enters a stage, has a field changed, or gets a
    message or a call. A trigger names the process key: it starts the newest active version of it."""
    _require_admin(request)
    pipeline, stage = _pipeline_and_stage(payload.pipeline, payload.stage)
    trigger = trigger_create(process_key=payload.process, kind=payload.kind, pipeline=pipeline, stage=stage,
                             field=payload.field, is_active=payload.is_active, actor=request.auth)
    return Status(201, _trigger_out(trigger))


@router.get("/process-triggers", response={200: Page[TriggerOut], **error_responses(403)})
def triggers_list(request: HttpRequest, page: Query[PageParams], process: str | None = None):
    """Every trigger, or those of one process (``?process=<key>``)."""
    _require_admin(request)
    triggers = ProcessTrigger.objects.all()
    if process:
        triggers = triggers.filter(process_key=process)
    return paginate(triggers, page, _trigger_out)


class TriggerPatch(Input):
    kind: str | None = Field(None, max_length=20, description=", ".join(ProcessTrigger.Kind.values))
    pipeline: Id | None = None
    stage: Id | None = None
    field: str | None = Field(None, max_length=100)
    is_active: bool | None = None


def _trigger_or_404(trigger_id: int) -> ProcessTrigger:
    trigger = ProcessTrigger.objects.select_related("pipeline", "stage").filter(pk=trigger_id).first()
    if trigger is None:
        raise Http404
    return trigger


@router.patch("/process-triggers/{trigger_id}", response={200: TriggerOut, **error_responses(400, 403, 404)})
def triggers_update(request: HttpRequest, trigger_id: int, payload: TriggerPatch):
    """Change what is sent; ``null`` clears a pipeline or a stage."""
    _require_admin(request)
    trigger = _trigger_or_404(trigger_id)
    sent = payload.model_fields_set
    pipeline, stage = _pipeline_and_stage(
        payload.pipeline if "pipeline" in sent else trigger.pipeline_id,
        payload.stage if "stage" in sent else trigger.stage_id)
    trigger = trigger_update(
        trigger=trigger, kind=payload.kind if payload.kind is not None else trigger.kind, pipeline=pipeline,
        stage=stage, field=payload.field if payload.field is not None else trigger.field,
        is_active=payload.is_active if payload.is_active is not None else trigger.is_active, actor=request.auth)
    return _trigger_out(trigger)


@router.delete("/process-triggers/{trigger_id}", response={204: None, **error_responses(403, 404)})
def triggers_delete(request: HttpRequest, trigger_id: int):
    """The instances the trigger started keep running."""
    _require_admin(request)
    trigger_delete(trigger=_trigger_or_404(trigger_id), actor=request.auth)
    return HttpResponse(status=204)


class StartIn(Input):
    process: str = Field(..., max_length=100, description="The process key (its id in the diagram).")
    variables: dict[str, Any] = Field(default_factory=dict)


class StartedOut(Schema):
    instance: int
    status: str


@router.post("/deals/{deal_id}/processes", response={201: StartedOut, **error_responses(400, 404)},
             summary="Start a process on a deal")
def deal_process_start(request: HttpRequest, deal_id: int, payload: StartIn):
    deal = visible_or_404(deals_visible_to(request.auth).select_related("contact"), deal_id)
    definition = definition_current(payload.process)
    if definition is None:
        raise ValidationFailed(_("No deployed process with this key."),
                               fields={"process": [_("Unknown process.")]})
    instance = process_start(definition=definition, deal=deal, actor=request.auth, variables=payload.variables,
                             trigger="manual")
    return Status(201, {"instance": instance.pk, "status": instance.status})


class InstanceOut(Schema):
    id: int
    process: str
    version: int
    deal: int | None
    contact: int | None
    status: str
    waiting_at: list[str]
    waiting: list[dict[str, Any]]
    variables: dict[str, Any]
    history: list[dict[str, Any]]
    incident: dict[str, Any] | None
    next_timer_at: datetime.datetime | None
    started_at: datetime.datetime
    completed_at: datetime.datetime | None


def _instance_out(i: ProcessInstance, *, history: bool = True) -> dict:
    steps = ProcessStep.objects.filter(instance=i).order_by("at", "id") if history else []
    return {
        "id": i.pk, "process": i.definition.key, "version": i.definition.version, "deal": i.deal_id,
        "contact": i.contact_id, "status": i.status, "waiting_at": [w["id"] for w in i.waiting_at or []],
        "waiting": i.waiting_at or [], "variables": i.variables or {},
        "history": [{"element": s.element_id, "type": s.element_type, "state": s.state, "at": s.at.isoformat()}
                    for s in steps],
        "incident": i.incident if i.status == ProcessInstance.Status.INCIDENT or i.incident else None,
        "next_timer_at": i.next_timer_at, "started_at": i.started_at, "completed_at": i.completed_at,
    }


@router.get("/deals/{deal_id}/processes", response={200: Page[InstanceOut], **error_responses(404)})
def deal_processes(request: HttpRequest, deal_id: int, page: Query[PageParams]):
    deal = visible_or_404(deals_visible_to(request.auth), deal_id)
    return paginate(ProcessInstance.objects.select_related("definition").filter(deal=deal),
                    page, lambda i: _instance_out(i, history=False))


@router.get("/process-instances/{instance_id}", response={200: InstanceOut, **error_responses(404)})
def instance_get(request: HttpRequest, instance_id: int):
    return _instance_out(visible_or_404(instances_visible_to(request.auth).select_related("definition"), instance_id))


@router.post("/process-instances/{instance_id}/retry", response={200: InstanceOut, **error_responses(403, 404, 409)})
def instance_retry_api(request: HttpRequest, instance_id: int):
    """Run the failed step of an incident again, after its cause was fixed."""
    instance = visible_or_404(instances_visible_to(request.auth).select_related("definition"), instance_id)
    if not (request.auth.is_admin or request.auth.is_team_lead):
        raise PermissionRefused(_("Only a team lead or an administrator may retry an incident."))
    instance = instance_retry(instance=instance, actor=request.auth)
    return _instance_out(ProcessInstance.objects.select_related("definition").get(pk=instance.pk))


@router.post("/process-instances/{instance_id}/cancel", response={200: InstanceOut, **error_responses(403, 404, 409)})
def instance_cancel_api(request: HttpRequest, instance_id: int):
    instance = visible_or_404(instances_visible_to(request.auth).select_related("definition"), instance_id)
    if not can_cancel(request.auth):  # as on the instance page
        raise PermissionRefused(_("Only an administrator may cancel a process."))
    instance_cancel(instance=instance, actor=request.auth)
    return _instance_out(ProcessInstance.objects.select_related("definition").get(pk=instance.pk))


@router.get("/processes/{key}", response={200: list[DefinitionOut], **error_responses(403, 404)})
def process_versions(request: HttpRequest, key: str):
    """Every version of one process, newest first."""
    if not (request.auth.is_admin or request.auth.is_team_lead):
        raise PermissionRefused(_("Only a team lead or an administrator may see the processes."))
    versions = list(ProcessDefinition.objects.filter(key=key).order_by("-version"))
    if not versions:
        raise Http404
    return [_definition_out(d) for d in versions]


# --- the template library ----------------------------------------------------------------------------------------

class TemplateInstalledOut(Schema):
    id: int
    version: int


class TemplateOut(Schema):
    key: str
    name: str
    description: str
    triggers: list[dict[str, Any]] = Field(..., description="What installing switches on: ProcessTrigger fields, "
                                                            "a stage named by all_stages or stage_with_field.")
    installed: TemplateInstalledOut | None = Field(..., description="The newest deployed version of the key.")


@router.get("/process-templates", response={200: list[TemplateOut], **error_responses(403)})
def process_templates_list(request: HttpRequest):
    """The processes Podbor ships, and which version of each is deployed."""
    from podbor.automation.library import TEMPLATES

    _require_admin(request)
    newest = {d.key: d for d in ProcessDefinition.objects.filter(key__in=TEMPLATES).order_by("key", "version")
              .only("id", "key", "version")}
    return [{"key": t.key, "name": str(t.name), "description": str(t.description),
             "triggers": [dict(spec) for spec in t.triggers],
             "installed": {"id": newest[t.key].pk, "version": newest[t.key].version} if t.key in newest else None}
            for t in TEMPLATES.values()]


class TemplateInstallIn(Input):
    pipeline: Id | None = Field(None, description="Switch the triggers on in this pipeline only; by default in all.")


class TemplateInstallOut(Schema):
    id: int
    key: str
    version: int


@router.post("/process-templates/{key}/install", response={201: TemplateInstallOut, **error_responses(400, 403, 404)},
             summary="Install a process template")
def process_template_install(request: HttpRequest, key: str, payload: TemplateInstallIn | None = None):
    """Deploy a shipped template and switch its triggers on. Installing again changes nothing and answers the same
    version."""
    from podbor.automation.library import TEMPLATES
    from podbor.automation.services import template_install

    _require_admin(request)
    if key not in TEMPLATES:
        raise Http404
    pipeline = None
    if payload is not None and payload.pipeline:
        pipeline = Pipeline.objects.filter(pk=payload.pipeline, is_archived=False).first()
        if pipeline is None:
            raise ValidationFailed(_("No such pipeline."), fields={"pipeline": [_("No such pipeline.")]})
    definition = template_install(key=key, actor=request.auth, pipeline=pipeline)
    return Status(201, {"id": definition.pk, "key": definition.key, "version": definition.version})
