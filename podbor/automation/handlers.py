"""What the service-task catalogue does in Podbor, and the snapshots scripts see.

Each handler gets the instance row and the parameters the engine checked against the catalogue; it writes through
the CRM's services (never its tables) and answers a JSON-serialisable dict, the result variable of the task.
A handler raising ValidationFailed or GuardFailed (a stage's guard) makes the step fail: retried, then an incident.
"""

import datetime
import json
import logging
import re
import time

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.automation.engine import iso_duration
from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessUserTask
from podbor.crm.models import Contact, Deal, LostReason, Stage, Task, TimelineEntry
from podbor.crm.services import (
    deal_close_lost,
    deal_create,
    deal_link,
    deal_move_to_stage,
    deal_update,
    task_create,
    timeline_add,
)
from podbor.lib.errors import ValidationFailed
from podbor.lib.ids import id_from_text

logger = logging.getLogger(__name__)
HTTP_TIMEOUT_MAX = 30


def deal_snapshot(deal: Deal | None) -> dict | None:
    if deal is None:
        return None
    return {
        "id": deal.pk, "title": deal.title, "pipeline": deal.pipeline_id, "stage": deal.stage.name,
        "stage_id": deal.stage_id, "stage_target_seconds": deal.stage.target_seconds,
        "responsible": deal.responsible_id, "team": deal.team_id, "source": deal.source,
        "budget_planned": float(deal.budget_planned) if deal.budget_planned is not None else None,
        "custom": dict(deal.custom or {}), "closed": deal.closed_at is not None,
        "stage_entered_at": deal.stage_entered_at.isoformat() if deal.stage_entered_at else None,
    }


def contact_snapshot(contact: Contact | None) -> dict | None:
    if contact is None:
        return None
    return {
        "id": contact.pk, "full_name": contact.full_name, "first_name": contact.first_name,
        "last_name": contact.last_name, "city": contact.city, "source": contact.source,
        "phones": [p.e164 or p.raw for p in contact.phones.all()],
        "emails": [e.normalized for e in contact.emails.all()],
        "custom": dict(contact.custom or {}),
    }


def _deal(row: ProcessInstance) -> Deal:
    if row.deal_id is None:
        raise ValidationFailed(_("This step needs a deal, and the process runs without one."),
                               fields={"deal": [_("Required.")]})
    return Deal.objects.select_related("stage", "pipeline", "responsible", "team").get(pk=row.deal_id)


def _team_lead(deal: Deal | None) -> User | None:
    team_id = deal.team_id if deal is not None else None
    leads = User.objects.filter(role=User.Role.TEAM_LEAD, is_active=True)
    return (leads.filter(team_id=team_id).order_by("id").first() if team_id else None) or leads.order_by("id").first()


def _assignee(spec: str, deal: Deal | None) -> User | None:
    spec = (spec or "responsible").strip()
    if spec == "team_lead":
        return _team_lead(deal)
    if spec.startswith("user:") and id_from_text(spec[5:]):
        return User.objects.filter(pk=id_from_text(spec[5:]), is_active=True).first()
    if deal is not None and deal.responsible_id:
        return deal.responsible
    return _team_lead(deal)


def _due(due_in: str | None) -> datetime.datetime | None:
    return timezone.now() + iso_duration(due_in) if due_in else None


def _stage(deal: Deal, value) -> Stage:
    stages = deal.pipeline.stages.all()
    stage = (stages.filter(pk=id_from_text(value)).first() if id_from_text(value)
             else stages.filter(name__iexact=str(value).strip()).first())
    if stage is None:
        raise ValidationFailed(_("No stage “%(stage)s” in this pipeline.") % {"stage": value},
                               fields={"stage": [_("Unknown stage.")]})
    return stage


def create_task(row, params, *, element_id, task_id):
    deal = _deal(row) if row.deal_id else None
    assignee = _assignee(params.get("assignee", "responsible"), deal)
    if assignee is None:
        raise ValidationFailed(_("Nobody to give the task to."), fields={"assignee": [_("Required.")]})
    task = task_create(actor=None, title=params["title"], assignee=assignee, deal=deal, contact=row.contact,
                       kind=params.get("kind") or Task.Kind.CALL, due_at=_due(params.get("due_in")),
                       checklist=list(params.get("checklist") or []))
    return {"task": task.pk, "assignee": assignee.pk}


def move_to_stage(row, params, *, element_id, task_id):
    deal = _deal(row)
    stage = _stage(deal, params["stage"])
    deal_move_to_stage(deal=deal, stage=stage, actor=None)
    return {"stage": stage.pk}


def set_field(row, params, *, element_id, task_id):
    deal = _deal(row)
    field, value = params["field"], params.get("value")
    if field in ("title", "source", "budget_planned", "budget_actual"):
        deal_update(deal=deal, actor=None, **{field: value})
    else:
        deal_update(deal=deal, actor=None, custom={field: value})
    return {"field": field}


def assign_by_rule(row, params, *, element_id, task_id):
    from podbor.routing.services import deal_assign

    deal = _deal(row)
    previous = deal.responsible_id
    # "Reassign": the manager who has it now is not chosen again (an SLA breach hands it to the next one).
    assignment = deal_assign(deal=deal, exclude_users=[previous] if previous else [])
    return {"responsible": assignment.user_id, "previous": previous, "queued": assignment.user_id is None}


def close_lost(row, params, *, element_id, task_id):
    deal = _deal(row)
    name = (params.get("reason") or _("Not relevant")).strip()
    reason_pk = id_from_text(name)
    reason = (LostReason.objects.filter(pipeline=deal.pipeline, pk=reason_pk).first() if reason_pk else None) or \
        LostReason.objects.filter(pipeline=deal.pipeline, name=name).first()
    if reason is None:
        reason = LostReason.objects.create(pipeline=deal.pipeline, name=name[:120], order=999)
    deal_close_lost(deal=deal, reason=reason, actor=None)
    return {"reason": reason.pk}


def send_message(row, params, *, element_id, task_id):
    from podbor.messaging.services import message_queue

    contact = row.contact or (row.deal.contact if row.deal_id else None)
    channel = params.get("channel") or "sms"
    if contact is None:
        raise ValidationFailed(_("Nobody to write to: the process has no contact."), fields={"to": [_("Required.")]})
    if channel == "email":
        to = contact.emails.values_list("normalized", flat=True).first()
    else:
        to = contact.phones.exclude(e164="").values_list("e164", flat=True).first()
    if not to:
        raise ValidationFailed(_("The contact has no address for %(channel)s.") % {"channel": channel},
                               fields={"to": [_("Required.")]})
    text = _render(params.get("text") or params.get("template") or "", row)
    message = message_queue(channel=channel, to=to, text=text, contact=contact, deal=row.deal,
                            reason=_("process “%(name)s”") % {"name": row.definition.name})
    return {"message": message.pk}


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\}\}")


def _render(template: str, row: ProcessInstance) -> str:
    """``{{ contact.first_name }}``, ``{{ deal.title }}`` and process variables ``{{ name }}`` in texts; an
    unknown name is left as written, so that a typo shows instead of vanishing."""
    values = {**(row.variables or {}), "deal": deal_snapshot(row.deal) or {},
              "contact": contact_snapshot(row.contact) or {}}

    def fill(match: re.Match) -> str:
        value: object = values
        for part in match.group(1).split("."):
            if not isinstance(value, dict) or part not in value:
                return match.group(0)
            value = value[part]
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(fill, template or "")


def http_request(row, params, *, element_id, task_id):
    """The JSON answer becomes variables. A timeout, a network error or a 5xx is tried again ``retries`` times at
    once (0.5 s, 1 s, … apart); then the step fails, and the host retries it with backoff before an incident."""
    method = (params.get("method") or "GET").upper()
    timeout = min(float(params.get("timeout") or 10), HTTP_TIMEOUT_MAX)
    body = _render(params.get("body") or "", row)
    attempts = 1 + min(int(params.get("retries") or 0), 10)
    problem = ""
    for attempt in range(attempts):
        if attempt:
            time.sleep(min(0.5 * attempt, 3))
        try:
            response = httpx.request(method, params["url"], headers=params.get("headers") or {},
                                     content=body.encode() if body and method != "GET" else None, timeout=timeout)
        except httpx.HTTPError as exc:
            problem = _("HTTP request to %(url)s failed: %(error)s") % {"url": params["url"], "error": exc}
            continue
        if response.status_code >= 500:
            problem = _("HTTP %(status)s from %(url)s") % {"status": response.status_code, "url": params["url"]}
            continue
        try:
            answer = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            answer = response.text[:2000]
        return {"status": response.status_code, "json": answer}
    raise OutsideCallFailed(problem)


class OutsideCallFailed(Exception):
    """An outside system did not answer usably: the step fails (retried by the host, then an incident)."""


def notify(row, params, *, element_id, task_id):
    """A to-do for each user to notify (they see it in their tasks, with the deal), due now."""
    deal = _deal(row) if row.deal_id else None
    targets = params.get("users") or "responsible"
    specs = targets if isinstance(targets, list) else [targets]
    users = [u for u in (_assignee(str(s), deal) for s in specs) if u is not None]
    text = _render(params.get("text") or "", row)
    for user in {u.pk: u for u in users}.values():
        task_create(actor=None, title=text[:255] or row.definition.name, assignee=user, deal=deal,
                    contact=row.contact, kind=Task.Kind.OTHER, due_at=timezone.now())
    if deal is not None:
        timeline_add(kind=TimelineEntry.Kind.SYSTEM, deal=deal, text=_("Notified %(users)s: %(text)s") % {
            "users": ", ".join(str(u) for u in users), "text": text}, data={"process_instance": row.pk})
    return {"notified": [u.pk for u in users]}


def create_linked_deal(row, params, *, element_id, task_id):
    from podbor.crm.models import Pipeline

    deal = _deal(row)
    pipeline_pk = id_from_text(params["pipeline"])
    pipeline = (Pipeline.objects.filter(pk=pipeline_pk).first() if pipeline_pk
                else Pipeline.objects.filter(name__iexact=str(params["pipeline"])).first())
    if pipeline is None:
        raise ValidationFailed(_("No such pipeline."), fields={"pipeline": [_("Unknown pipeline.")]})
    stage = _stage(Deal(pipeline=pipeline), params["stage"]) if params.get("stage") else None
    linked = deal_create(actor=None, title=params.get("title") or deal.title, pipeline=pipeline, stage=stage,
                         contact=deal.contact, responsible=deal.responsible)
    deal_link(deal=linked, parent=deal, actor=None)
    return {"deal": linked.pk}


def start_process(row, params, *, element_id, task_id):
    from podbor.automation.services import definition_current, process_start

    definition = definition_current(params["process"])
    if definition is None:
        raise ValidationFailed(_("No deployed process “%(key)s”.") % {"key": params["process"]},
                               fields={"process": [_("Unknown process.")]})
    started = process_start(definition=definition, deal=row.deal, contact=row.contact,
                            variables=params.get("variables") or {}, trigger=f"process:{row.pk}")
    return {"instance": started.pk}


HANDLERS = {
    "create_task": create_task,
    "move_to_stage": move_to_stage,
    "set_field": set_field,
    "assign_by_rule": assign_by_rule,
    "close_lost": close_lost,
    "send_message": send_message,
    "http_request": http_request,
    "notify": notify,
    "create_linked_deal": create_linked_deal,
    "start_process": start_process,
}


def user_task_create(row: ProcessInstance, user_task: dict) -> ProcessUserTask:
    """A ready BPMN user task becomes a Podbor task of the deal's responsible (or whom its properties say)."""
    props = user_task.get("properties") or {}
    deal = Deal.objects.select_related("responsible", "team").filter(pk=row.deal_id).first()
    assignee = _assignee(props.get("assignee", "responsible"), deal)
    if assignee is None:
        raise ValidationFailed(_("Nobody to give the task to."), fields={"assignee": [_("Required.")]})
    checklist = props.get("checklist") or []
    if isinstance(checklist, str):
        checklist = [item.strip() for item in checklist.split(";") if item.strip()]
    kind = props.get("kind") if props.get("kind") in Task.Kind.values else Task.Kind.CALL
    task = task_create(actor=None, title=(props.get("title") or user_task.get("name") or user_task["element_id"])[:255],
                       assignee=assignee, deal=deal, contact=row.contact, kind=kind,
                       due_at=_due(props.get("due_in")), checklist=checklist)
    return ProcessUserTask.objects.create(instance=row, task=task, engine_task_id=user_task["task_id"],
                                          element_id=user_task["element_id"])


def user_task_close(link: ProcessUserTask) -> None:
    from podbor.crm.services import task_complete

    ProcessUserTask.objects.filter(pk=link.pk).update(handled_at=timezone.now())
    if link.task.done_at is None:
        task_complete(task=link.task, actor=None, result=_("Closed by the process: the step is over."))


__all__ = ["HANDLERS", "ProcessDefinition", "contact_snapshot", "deal_snapshot", "user_task_create"]
