"""Triggers: a process starts by itself when something happens to a deal. A trigger names the process key, not a
version, so it follows the process to every version deployed after it: the newest active version is the one that
starts, as in Camunda or Flowable, where a start event belongs to the latest deployed definition of its key."""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger
from podbor.automation.selectors import trigger_fields
from podbor.crm.models import Deal, Pipeline, Stage
from podbor.lib.errors import ValidationFailed


def _trigger_clean(*, process_key: str, kind: str, pipeline: Pipeline | None, stage: Stage | None, field: str,
                   exclude: int | None = None) -> tuple[Pipeline | None, Stage | None, str]:
    """What a trigger of this kind keeps: a stage only for "enters a stage", a field only for "field changes" (a form
    posts every input, the hidden ones too). Raises ValidationFailed with every error by field."""
    from podbor.automation.services import definition_current

    errors: dict[str, list[str]] = {}
    if definition_current(process_key) is None:
        errors["process"] = [_("No deployed process with this key.")]
    if kind not in ProcessTrigger.Kind.values:
        errors["kind"] = [_("Unknown trigger. Choose one of: %s.") % ", ".join(ProcessTrigger.Kind.values)]
    if kind != ProcessTrigger.Kind.STAGE_ENTERED:
        stage = None
    field = (field or "").strip() if kind == ProcessTrigger.Kind.FIELD_CHANGED else ""
    if kind == ProcessTrigger.Kind.FIELD_CHANGED:
        if not field:
            errors["field"] = [_("Choose the field.")]
        elif field not in trigger_fields():
            errors["field"] = [_("No deal field with this name.")]
    if stage is not None and pipeline is not None and stage.pipeline_id != pipeline.pk:
        errors["stage"] = [_("This stage belongs to another pipeline.")]
    pipeline = pipeline or (stage.pipeline if stage else None)
    if not errors:
        twins = ProcessTrigger.objects.filter(process_key=process_key, kind=kind, pipeline=pipeline, stage=stage,
                                              field=field)
        if twins.exclude(pk=exclude).exists():
            errors["trigger"] = [_("This process already has the same trigger.")]
    if errors:
        raise ValidationFailed(_("The trigger has errors."), fields=errors)
    return pipeline, stage, field


def trigger_create(*, process_key: str, kind: str, pipeline: Pipeline | None = None, stage: Stage | None = None,
                   field: str = "", is_active: bool = True, actor: User | None = None) -> ProcessTrigger:
    pipeline, stage, field = _trigger_clean(process_key=process_key, kind=kind, pipeline=pipeline, stage=stage,
                                            field=field)
    return ProcessTrigger.objects.create(process_key=process_key, kind=kind, pipeline=pipeline, stage=stage,
                                         field=field, is_active=is_active)


def trigger_update(*, trigger: ProcessTrigger, kind: str, pipeline: Pipeline | None = None,
                   stage: Stage | None = None, field: str = "", is_active: bool = True,
                   actor: User | None = None) -> ProcessTrigger:
    """Change every setting of a trigger at once (its process stays)."""
    pipeline, stage, field = _trigger_clean(process_key=trigger.process_key, kind=kind, pipeline=pipeline,
                                            stage=stage, field=field, exclude=trigger.pk)
    trigger.kind, trigger.pipeline, trigger.stage, trigger.field = kind, pipeline, stage, field
    trigger.is_active = is_active
    trigger.save(update_fields=["kind", "pipeline", "stage", "field", "is_active"])
    return trigger


def trigger_delete(*, trigger: ProcessTrigger, actor: User | None = None) -> None:
    """The instances it started keep running; it starts no more."""
    trigger.delete()


# Every domain event about a deal asks for the active triggers of its kind; building that query with the ORM cost
# five times running it (0.8 ms an event on an import of thousands of rows). It is compiled once per kind.
_ACTIVE_SQL: dict[tuple[str, str], tuple[str, tuple]] = {}


def _active_triggers(kind: str) -> list[tuple[str, int | None, int | None, str]]:
    """(process key, pipeline id, stage id, field) of every active trigger of this kind; they are few."""
    compiled = _ACTIVE_SQL.get((connection.vendor, kind))
    if compiled is None:
        query = ProcessTrigger.objects.filter(kind=kind, is_active=True).order_by().values_list(
            "process_key", "pipeline_id", "stage_id", "field")
        compiled = _ACTIVE_SQL[(connection.vendor, kind)] = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


def triggers_fire(*, kind: str, deal_id: int | None, pipeline_id: int | None = None, stage_id: int | None = None,
                  fields: list[str] | None = None, trigger: str = "") -> list[ProcessInstance]:
    """Start every process whose trigger matches what happened to the deal."""
    from podbor.automation.services import definition_current, process_start

    deal = None
    if pipeline_id is None and deal_id:  # events about a deal's fields, messages and calls name no pipeline
        deal = Deal.objects.filter(pk=deal_id).first()
        pipeline_id = deal.pipeline_id if deal is not None else None
    keys = sorted({
        key for key, pipeline, stage, field in _active_triggers(kind)
        if (pipeline_id is None or pipeline is None or pipeline == pipeline_id)
        and (kind != ProcessTrigger.Kind.STAGE_ENTERED or stage is None or stage == stage_id)  # no stage: any stage
        and (kind != ProcessTrigger.Kind.FIELD_CHANGED or field in (fields or []))
    })
    if not keys:
        return []  # most events start nothing: one query, and the deal is not read
    if deal is None and deal_id:
        deal = Deal.objects.filter(pk=deal_id).first()
    started = []
    for key in keys:
        definition = definition_current(key)
        if definition is None:
            continue
        started.append(process_start(definition=definition, deal=deal, trigger=trigger or kind))
    return started


def template_install(*, key: str, actor: User | None, pipeline: Pipeline | None = None) -> ProcessDefinition:
    """Deploy a shipped template and switch its triggers on (in ``pipeline``, or in every pipeline). Installing
    again changes nothing."""
    from podbor.automation.library import TEMPLATES
    from podbor.automation.services import process_deploy

    template = TEMPLATES.get(key)
    if template is None:
        raise ValidationFailed(_("No such template."), fields={"template": [_("Unknown template.")]})
    with transaction.atomic():
        definition = process_deploy(xml=template.xml, actor=actor)
        for spec in template.triggers:
            stages: list[Stage | None] = [None]
            if spec.get("stage_with_field"):
                candidates = Stage.objects.filter(pipeline=pipeline) if pipeline else Stage.objects.all()
                stages = [s for s in candidates.select_related("pipeline")
                          if spec["stage_with_field"] in (s.required_fields or [])]
            for stage in stages:
                where = pipeline or (stage.pipeline if stage else None)
                exists = ProcessTrigger.objects.filter(process_key=definition.key, kind=spec["kind"],
                                                       pipeline=where, stage=stage).exists()
                if not exists:
                    trigger_create(process_key=definition.key, kind=spec["kind"], pipeline=where, stage=stage,
                                   actor=actor)
    return definition
