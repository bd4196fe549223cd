"""Processes: deploy a diagram, start instances, and advance them durably.

Every advance runs in one transaction with the instance row locked: restore the state, act (start, fire timers,
complete a user task, deliver a message, retry), save the state with what the instance now waits for. A worker
killed mid-step commits nothing, so the step runs again from the saved state and its effects happen once. A step
that raises is retried with backoff; after MAX_ATTEMPTS the instance is an incident until someone retries it.
"""

import contextlib
import datetime
import json
import logging
import time
from collections.abc import Callable
from functools import lru_cache

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.automation.engine import DefinitionInvalid, Instance, NotWaiting, clock_at, load_spec, parse_definition
from podbor.automation.models import (
    ProcessDefinition,
    ProcessInstance,
    ProcessStep,
    ProcessSubscription,
    ProcessUserTask,
)
from podbor.crm.models import Contact, Deal
from podbor.lib.errors import Conflict, ValidationFailed
from podbor.lib.locks import lock_names

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
# Huey's scheduler moves a due job to the queue on its once-a-second tick: queued this much early, the job reaches a
# worker before the due time and waits out the rest, so a timer fires on time rather than up to a second late.
WAKE_EARLY = datetime.timedelta(seconds=1.5)
# The sweeper takes due instances this many at a time, and stops after SWEEP_SECONDS: it runs every minute.
SWEEP_BATCH = 500
SWEEP_SECONDS = 50.0


# --- definitions -----------------------------------------------------------------------------------------------

# A diagram is tens of kilobytes; a bigger upload is a mistake, and the XML parser need not read it.
MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
# The processes pages put these paths where a process key goes (/processes/<key>/): such a key would be unreachable.
KEY_LENGTH = ProcessDefinition._meta.get_field("key").max_length
RESERVED_KEYS = frozenset({"new", "deploy", "upload", "incidents", "templates", "instances", "deal"})


def process_deploy(*, xml: bytes | str, actor: User | None) -> ProcessDefinition:
    """Validate and store a diagram. The same diagram again is the same version; a changed one is the next
    version (running instances stay on theirs). A broken diagram raises ValidationFailed with every error as
    ``{"id", "tag", "reason", "line"}`` under ``errors``; nothing is stored."""
    if len(xml) > MAX_DIAGRAM_BYTES:
        raise ValidationFailed(_("The diagram is too large."), fields={"bpmn": [_("At most 2 MB.")]})
    text = xml.decode("utf-8", errors="replace") if isinstance(xml, bytes) else xml
    try:
        parsed = parse_definition(text)
    except DefinitionInvalid as exc:
        errors = [{**e, "message": _definition_message(e)} for e in exc.errors]
        raise ValidationFailed(
            _("The diagram cannot be deployed."),
            fields={"bpmn": [_("%(where)s: %(reason)s") % {"where": e.get("id") or e.get("tag") or _("document"),
                                                           "reason": e["message"]} for e in errors]},
            extra={"errors": errors},
        ) from None
    if parsed.key in RESERVED_KEYS or len(parsed.key) > KEY_LENGTH:
        reason = (_("“%(key)s” is taken by the processes pages: give the process another id.") % {"key": parsed.key}
                  if parsed.key in RESERVED_KEYS else _("A process id may have at most %(most)s characters.")
                  % {"most": KEY_LENGTH})
        raise ValidationFailed(_("The diagram cannot be deployed."), fields={"bpmn": [f"{parsed.key}: {reason}"]},
                               extra={"errors": [{"id": parsed.key, "tag": "process", "reason": reason,
                                                  "line": None}]})
    with transaction.atomic():
        lock_names([f"process:{parsed.key}"])
        latest = ProcessDefinition.objects.filter(key=parsed.key).order_by("-version").first()
        if latest is not None and latest.bpmn_xml == text:
            return latest
        definition = ProcessDefinition.objects.create(
            key=parsed.key, name=(parsed.name or parsed.key)[:200], version=(latest.version + 1) if latest else 1,
            bpmn_xml=text, spec=json.dumps(parsed.spec, ensure_ascii=False), start_timer=parsed.start_timer or "",
            start_messages=list(parsed.start_messages), deployed_by=actor,
            next_tick_at=_first_tick(parsed.start_timer),
        )
        ProcessDefinition.objects.filter(key=parsed.key).exclude(pk=definition.pk).update(next_tick_at=None)
    return definition


def _definition_message(error: dict) -> str:
    """An engine error about the diagram in the reader's language (the engine writes English and its template)."""
    # a translation that does not fit its values keeps the English reason, which is still right
    with contextlib.suppress(TypeError, KeyError, ValueError):
        if error.get("template"):
            return _(error["template"]) % (error.get("params") or {})
    return error.get("reason") or ""


def _first_tick(start_timer: str | None) -> datetime.datetime | None:
    interval = cycle_interval(start_timer)
    return timezone.now() + interval if interval else None


def cycle_interval(start_timer: str | None) -> datetime.timedelta | None:
    """The period of an ISO 8601 repeating interval such as ``R/PT20M`` or ``R5/2026-01-01T00:00:00Z/PT1H``."""
    if not start_timer:
        return None
    from podbor.automation.engine import iso_duration

    try:
        return iso_duration(start_timer.split("/")[-1])
    except ValueError:
        return None


def definition_current(key: str) -> ProcessDefinition | None:
    return ProcessDefinition.objects.filter(key=key, is_active=True).order_by("-version").first()


def _loaded(definition: ProcessDefinition):
    """The parsed spec of a definition version: immutable, so parsed once per process (keyed by the deploy time
    too, so that an id reused after a rollback never finds another diagram's spec)."""
    return _loaded_by_key(definition.pk, definition.deployed_at.isoformat())


@lru_cache(maxsize=256)
def _loaded_by_key(definition_id: int, deployed_at: str):
    return load_spec(json.loads(ProcessDefinition.objects.values_list("spec", flat=True).get(pk=definition_id)))


# --- instances -------------------------------------------------------------------------------------------------

def process_start(
    *, definition: ProcessDefinition, deal: Deal | None = None, contact: Contact | None = None,
    actor: User | None = None, variables: dict | None = None, trigger: str = "manual", tick: bool = False,
    now: datetime.datetime | None = None,
) -> ProcessInstance:
    """Start an instance and run it to its first wait, in the caller's transaction. ``now`` runs the engine's
    clock at another time (tests, benchmarks); by default it is the wall clock."""
    if not definition.is_active:
        raise ValidationFailed(_("This process is switched off."), fields={"process": [_("Switched off.")]})
    if variables is not None and not isinstance(variables, dict):
        raise ValidationFailed(_("Variables must be an object."), fields={"variables": [_("Expected an object.")]})
    with transaction.atomic():
        row = ProcessInstance.objects.create(
            definition=definition, deal=deal, contact=contact or (deal.contact if deal else None),
            trigger=trigger[:100], started_by=actor, status=ProcessInstance.Status.RUNNING,
        )
        services = _Services(row)
        try:
            with clock_at(now):
                engine = Instance.start(_loaded(definition), variables=variables or {}, context=_context(row),
                                        services=services, fire_start_timer=tick)
        except Exception as exc:  # the engine could not even start (a broken start event): an incident at once
            logger.exception("process %s could not start", definition.key)
            row.status = ProcessInstance.Status.INCIDENT
            row.incident = {"element_id": "", "type": type(exc).__name__, "message": str(exc)[:1000], "line": None}
            row.save()
            return row
        with clock_at(now):
            _save(row, engine, services, now=now)
    return row


def instance_wake(*, instance_id: int, now: datetime.datetime | None = None) -> ProcessInstance | None:
    """Fire what is due (timers) or retry a failed step after its backoff. Safe to call at any time."""
    return _advance(instance_id, lambda engine: engine.retry() if engine.incident else engine.advance(),
                    only_if_due=True, now=now)


def instance_retry(*, instance: ProcessInstance, actor: User | None) -> ProcessInstance:
    """After the cause of an incident was fixed: run the failed step again (attempts start over)."""
    if instance.status != ProcessInstance.Status.INCIDENT:
        raise Conflict(_("Only an instance with an incident can be retried."))
    ProcessInstance.objects.filter(pk=instance.pk).update(attempts=0)
    return _advance(instance.pk, lambda engine: engine.retry() if engine.incident else engine.advance())


def instance_cancel(*, instance: ProcessInstance, actor: User | None) -> ProcessInstance:
    if instance.status in (ProcessInstance.Status.COMPLETED, ProcessInstance.Status.CANCELLED):
        raise Conflict(_("This instance has already ended."))
    return _advance(instance.pk, lambda engine: engine.cancel(), cancel=True)


def instance_complete_user_task(*, link: ProcessUserTask, result: str, checklist: dict) -> ProcessInstance | None:
    """The Podbor task of a user task was completed: its result is a variable for the next gateway."""
    data = {"result": result, "checklist": checklist, "task_id": link.task_id}

    def complete(engine: Instance) -> None:
        try:
            engine.complete_user_task(link.engine_task_id, data)
        except NotWaiting:  # an interrupting timer was due first: the process has moved on without it
            logger.info("user task %s of instance %s was no longer waiting", link.element_id, link.instance_id)

    with transaction.atomic():
        ProcessUserTask.objects.filter(pk=link.pk).update(handled_at=timezone.now())
        return _advance(link.instance_id, complete)


def instances_message(*, message: str, deal_id: int | None, payload: dict) -> int:
    """Deliver a message (e.g. "message_received") to every instance of the deal waiting for it."""
    if deal_id is None:
        return 0
    ids = list(ProcessSubscription.objects.filter(message=message, deal_id=deal_id)
               .values_list("instance_id", flat=True).distinct())
    for instance_id in ids:
        _advance(instance_id, lambda engine: engine.send_message(message, payload)
                 if message in engine.waiting_messages() else None)
    return len(ids)


def instances_sweep(*, limit: int = SWEEP_BATCH, max_seconds: float = SWEEP_SECONDS) -> int:
    """Advance every instance whose timer or retry is due (a lost job, a restart) and start due cycle ticks.

    Passes of ``limit`` instances, the longest overdue first, go on until one finds fewer than ``limit``, so a
    backlog after an outage is cleared in one sweep rather than ``limit`` a minute. A keyset cursor moves past each
    instance once, so one that keeps failing cannot hold a pass. After ``max_seconds`` the sweep stops (the periodic
    job runs every minute and must not overlap itself); the next sweep goes on where it is left."""
    started, now = time.monotonic(), timezone.now()
    due = ProcessInstance.objects.filter(
        next_timer_at__lte=now, status__in=(ProcessInstance.Status.RUNNING, ProcessInstance.Status.WAITING))
    woken, after = 0, None
    while True:
        batch = due if after is None else due.filter(
            Q(next_timer_at__gt=after[0]) | Q(next_timer_at=after[0], pk__gt=after[1]))
        rows = list(batch.order_by("next_timer_at", "pk").values_list("next_timer_at", "pk")[:limit])
        for at, instance_id in rows:
            try:
                instance_wake(instance_id=instance_id)
            except Exception:
                logger.exception("sweep: process instance %s failed to advance", instance_id)
            woken, after = woken + 1, (at, instance_id)
            if time.monotonic() - started >= max_seconds:
                logger.warning("sweep: stopped after %.0f s with %s instances advanced; the next sweep goes on",
                               max_seconds, woken)
                return woken + definitions_tick(now=now)
        if len(rows) < limit:
            return woken + definitions_tick(now=now)


def definitions_tick(*, now: datetime.datetime | None = None) -> int:
    """One new instance per tick of a timer start event ("every 20 minutes")."""
    now = now or timezone.now()
    started = 0
    for definition_id in ProcessDefinition.objects.filter(next_tick_at__lte=now, is_active=True).values_list(
            "pk", flat=True):
        with transaction.atomic():
            definition = ProcessDefinition.objects.select_for_update(skip_locked=True).filter(
                pk=definition_id, next_tick_at__lte=now).first()
            if definition is None:
                continue
            interval = cycle_interval(definition.start_timer) or datetime.timedelta(minutes=1)
            next_tick = definition.next_tick_at + interval
            while next_tick <= now:  # a worker that was down does not start the missed ticks all at once
                next_tick += interval
            definition.next_tick_at = next_tick
            definition.save(update_fields=["next_tick_at"])
            process_start(definition=definition, trigger="timer", tick=True)
            started += 1
    return started


# --- the advance -----------------------------------------------------------------------------------------------

def _advance(instance_id: int, act: Callable[[Instance], object], *, only_if_due: bool = False,
             cancel: bool = False, now: datetime.datetime | None = None) -> ProcessInstance | None:
    with transaction.atomic():
        row = (ProcessInstance.objects.select_for_update(of=("self",))
               .select_related("definition", "deal", "contact").filter(pk=instance_id).first())
        if row is None or row.status in (ProcessInstance.Status.COMPLETED, ProcessInstance.Status.CANCELLED):
            return row
        if row.status == ProcessInstance.Status.INCIDENT and only_if_due:
            return row  # waits for a person
        if only_if_due and (row.next_timer_at is None or row.next_timer_at > (now or timezone.now())):
            return row
        if not row.state:
            raise Conflict(_("This instance never started: start the process again."))
        services = _Services(row)
        with clock_at(now):
            engine = Instance.restore(_loaded(row.definition), state=json.loads(row.state), context=_context(row),
                                      services=services)
            act(engine)
            _save(row, engine, services, cancelled=cancel, now=now)
    return row


def _save(row: ProcessInstance, engine: Instance, services: "_Services", *, cancelled: bool = False,
          now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    row.state = json.dumps(engine.state(), ensure_ascii=False)
    row.variables = engine.variables()
    row.waiting_at = engine.waiting_at()
    incident = engine.incident
    if cancelled:
        row.status, row.next_timer_at, row.completed_at = ProcessInstance.Status.CANCELLED, None, now
    elif incident:
        row.attempts += 1
        row.incident = incident
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.next_timer_at = ProcessInstance.Status.INCIDENT, None
        else:  # retried with backoff: 2 s, 4 s, …
            row.status = ProcessInstance.Status.RUNNING
            row.next_timer_at = now + datetime.timedelta(seconds=2 ** row.attempts)
    else:
        row.attempts, row.incident = 0, None
        if engine.status == "completed":
            row.status, row.next_timer_at, row.completed_at = ProcessInstance.Status.COMPLETED, None, now
        else:
            row.status = ProcessInstance.Status.WAITING
            retry_at = getattr(engine, "retry_at", None)
            timers = [t for t in (engine.next_timer_at(), retry_at) if t is not None]
            row.next_timer_at = min(timers) if timers else None
    row.save()
    _save_steps(row, engine, now)
    _save_subscriptions(row, engine)
    services.user_tasks_sync(engine)
    if row.next_timer_at is not None:
        due, instance_id = row.next_timer_at, row.pk
        transaction.on_commit(lambda: _schedule_wake(instance_id, due))


def _save_steps(row: ProcessInstance, engine: Instance, now: datetime.datetime) -> None:
    history = engine.history()
    known = ProcessStep.objects.filter(instance=row).count()
    ProcessStep.objects.bulk_create([
        ProcessStep(instance=row, element_id=step["id"], element_type=step.get("type", ""), state=step["state"],
                    at=step.get("at") or now)
        for step in history[known:]
    ])


def _save_subscriptions(row: ProcessInstance, engine: Instance) -> None:
    wanted = set(engine.waiting_messages()) if row.status == ProcessInstance.Status.WAITING else set()
    have = set(ProcessSubscription.objects.filter(instance=row).values_list("message", flat=True))
    if wanted != have:
        ProcessSubscription.objects.filter(instance=row).exclude(message__in=wanted).delete()
        ProcessSubscription.objects.bulk_create(
            ProcessSubscription(instance=row, message=m, deal_id=row.deal_id) for m in sorted(wanted - have))


def _schedule_wake(instance_id: int, due: datetime.datetime) -> None:
    from podbor.automation.tasks import process_wake  # the task module imports this one

    try:
        process_wake.using(run_after=due - WAKE_EARLY).enqueue(instance_id, due.isoformat())
    except Exception:  # the row holds the due time: the sweeper fires it
        logger.warning("could not schedule the wake-up of process instance %s", instance_id, exc_info=True)


def wake_when_due(*, instance_id: int, due: str) -> None:
    """The ETA job: queued WAKE_EARLY before the due time (Huey's scheduler ticks once a second), it waits out the
    rest so that the timer fires on time, not up to a second late."""
    wait = (datetime.datetime.fromisoformat(due) - timezone.now()).total_seconds()
    if wait > 0:  # never more than a moment: a job much too early finds nothing due, and the sweeper is behind it
        time.sleep(min(wait, WAKE_EARLY.total_seconds() + 1))
    instance_wake(instance_id=instance_id)


def _context(row: ProcessInstance) -> dict:
    """Read-only snapshots the scripts and gateway conditions see."""
    from podbor.automation.handlers import contact_snapshot, deal_snapshot

    return {"deal": deal_snapshot(row.deal), "contact": contact_snapshot(row.contact)}


class _Services:
    """The engine's ServiceDispatcher: runs catalogue operators against Podbor, each in a savepoint (a failing
    operator leaves nothing behind), and turns ready user tasks into Podbor tasks."""

    def __init__(self, row: ProcessInstance):
        self.row = row

    def call(self, operator: str, params: dict, *, element_id: str, task_id: str,
             variables: dict | None = None) -> dict | None:
        from podbor.automation.handlers import HANDLERS

        if variables is not None:
            # The variables as they are at this step (the row's are written when the advance ends): the operators
            # fill their texts from them. _save writes the engine's own afterwards.
            self.row.variables = variables
        with transaction.atomic():
            return HANDLERS[operator](self.row, params, element_id=element_id, task_id=task_id)

    def user_tasks_sync(self, engine: Instance) -> None:
        from podbor.automation.handlers import user_task_close, user_task_create

        ready = engine.user_tasks() if self.row.status == ProcessInstance.Status.WAITING else []
        ready_ids = {user_task["task_id"] for user_task in ready}
        links = list(ProcessUserTask.objects.filter(instance=self.row).select_related("task"))
        linked = {link.engine_task_id for link in links}
        for user_task in ready:
            if user_task["task_id"] not in linked:
                user_task_create(self.row, user_task)
        for link in links:
            if link.handled_at is None and link.engine_task_id not in ready_ids:
                # A timer or a cancel took the user task away: its Podbor task is closed, saying why.
                user_task_close(link)


# Triggers live in their own module; they are part of this one's interface.
from podbor.automation.services.triggers import (  # noqa: E402
    template_install,
    trigger_create,
    trigger_delete,
    trigger_update,
    triggers_fire,
)

__all__ = [
    "cycle_interval", "definition_current", "definitions_tick", "instance_cancel", "instance_complete_user_task",
    "instance_retry", "instance_wake", "instances_message", "instances_sweep", "process_deploy", "process_start",
    "template_install", "trigger_create", "trigger_delete", "trigger_update", "triggers_fire", "wake_when_due",
]
