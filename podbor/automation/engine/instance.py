"""A running process: SpiffWorkflow's BpmnWorkflow driven the way the host needs it.

SpiffWorkflow is passive. Every public method here acts (start, fire due timers, complete a user task, deliver
a message, retry), runs the engine until the instance waits again and records an incident instead of raising
when diagram code fails. The host saves `state()` after each call, in the same transaction as its side effects.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import clock
from .definition import LoadedSpec, describe_user_task
from .errors import EngineError, NotWaiting, StateIncompatible, StepBudgetExceeded
from .sandbox import MAX_LINES, to_json_value
from .script_engine import PodborScriptEngine, ServiceDispatcher
from .specs import SERIALIZER, SERIALIZER_VERSION, PodborServiceTask, event_definitions

STATE_FORMAT = "podbor-instance/1"
MAX_STEPS = 1_000      # engine steps in one call: a loop drawn in the diagram ends in an incident, not a hang
MAX_ROUNDS = 100
ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_SPECIAL_TYPES = {"NoneTask": "task", "SubWorkflowTask": "subProcess", "EventSubprocess": "subProcess",
                  "PodborServiceTask": "serviceTask", "BpmnStartTask": "start"}


class _NoServices:
    def call(self, operator: str, params: dict, *, element_id: str, task_id: str,
             variables: dict | None = None) -> dict | None:
        raise RuntimeError("no service dispatcher was given to this instance")


class Instance:
    """One process instance. Create it with `start()` or `restore()`, never directly.

    `status` is "running" (engine work left: call `advance()`), "waiting" (for a timer, a message, a user task or
    a service retry), "completed", "incident" (a script, condition, timer or service failed: see `incident`,
    then `retry()`) or "cancelled".
    """

    def __init__(self, loaded: LoadedSpec, workflow: BpmnWorkflow, *, incident: dict | None = None,
                 cancelled: bool = False, max_steps: int = MAX_STEPS):
        self.loaded = loaded
        self.workflow = workflow
        self._incident = incident
        self._cancelled = cancelled
        self.max_steps = max_steps

    # ---- creating and saving ---------------------------------------------------------------------------
    @classmethod
    def start(cls, loaded_spec: LoadedSpec, variables: Mapping[str, Any] | None = None,
              context: Mapping[str, Any] | None = None, services: ServiceDispatcher | None = None, *,
              start_message: str | None = None, payload: Mapping[str, Any] | None = None,
              fire_start_timer: bool = False, now: datetime | None = None, max_lines: int = MAX_LINES,
              max_steps: int = MAX_STEPS) -> Instance:
        """Create an instance with `variables` and run it to its first wait.

        `context` holds read-only JSON snapshots scripts may read (`{"deal": {...}, "contact": {...}}`).
        `start_message` starts through that message start event (its payload lands in the variable named after
        the message); `fire_start_timer=True` starts through the timer start event at once (one instance per
        host tick, see `ParsedDefinition.start_timer`). Otherwise the none start event runs.
        """
        if start_message is not None and start_message not in loaded_spec.start_messages:
            raise EngineError(f"{loaded_spec.key!r} has no message start event {start_message!r}")
        if fire_start_timer and loaded_spec.start_timer is None:
            raise EngineError(f"{loaded_spec.key!r} has no timer start event")
        if start_message is not None and fire_start_timer:
            raise EngineError("start through one start event: a message or the timer")
        start_variables = _json_dict(variables, "variables")
        message_payload = _json_dict(payload, "payload")
        engine = _engine(context, services, max_lines)
        workflow = BpmnWorkflow(loaded_spec.spec, loaded_spec.subprocess_specs, script_engine=engine)
        instance = cls(loaded_spec, workflow, max_steps=max_steps)
        with instance._acting(now):
            instance._run(lambda: instance._kickoff(start_variables, start_message, message_payload,
                                                    fire_start_timer))
        return instance

    @classmethod
    def restore(cls, loaded_spec: LoadedSpec, state: Mapping[str, Any], context: Mapping[str, Any] | None = None,
                services: ServiceDispatcher | None = None, *, max_lines: int = MAX_LINES,
                max_steps: int = MAX_STEPS) -> Instance:
        """Rebuild an instance from `state()` and the definition's spec; the sandbox is attached again."""
        if state.get("format") != STATE_FORMAT or state.get("serializer_version") != SERIALIZER_VERSION:
            raise StateIncompatible(f"state {state.get('format')!r}/{state.get('serializer_version')!r} is not "
                                    f"{STATE_FORMAT!r}/{SERIALIZER_VERSION!r}")
        if state.get("key") != loaded_spec.key:
            raise StateIncompatible(f"state of {state.get('key')!r} restored with the spec of {loaded_spec.key!r}")
        engine = _engine(context, services, max_lines)
        workflow = SERIALIZER.from_dict(copy.deepcopy(state["workflow"]), spec=loaded_spec.spec,
                                        subprocess_specs=loaded_spec.subprocess_specs, script_engine=engine)
        return cls(loaded_spec, workflow, incident=state.get("incident"), cancelled=bool(state.get("cancelled")),
                   max_steps=max_steps)

    def state(self) -> dict[str, Any]:
        """The instance as JSON-ready data, without the spec (a few KB for a waiting instance)."""
        return to_json_value({
            "format": STATE_FORMAT, "serializer_version": SERIALIZER_VERSION, "key": self.loaded.key,
            "incident": self._incident, "cancelled": self._cancelled, "workflow": SERIALIZER.to_dict(self.workflow),
        }, "state")

    # ---- acting ------------------------------------------------------------------------------------------
    def advance(self, now: datetime | None = None) -> None:
        """Fire the timers and service retries due at `now` (default: the wall clock) and run to the next wait.

        Early calls do nothing: timers fire late, never early. Call it at `next_timer_at()`.
        """
        if self._cancelled or self.workflow.completed:
            return
        with self._acting(now):
            self._run(lambda: None)

    def complete_user_task(self, task_id: str, data: Mapping[str, Any] | None = None,
                           now: datetime | None = None) -> None:
        """Complete a ready user task with the form's `data` (JSON; it becomes process variables).

        Timers already due fire first: an interrupting SLA timer that won the race makes this raise NotWaiting.
        """
        values = _json_dict(data, "data")
        with self._acting(now):
            self._catch_up()
            task = self._task(task_id)
            if task is None or not task.task_spec.manual or task.state != TaskState.READY:
                raise NotWaiting(f"user task {task_id} is not ready")
            task.data.update(values)
            self._run(task.run)

    def send_message(self, name: str, payload: Mapping[str, Any] | None = None, now: datetime | None = None) -> None:
        """Deliver a message; its payload lands in the catching event's variable (the message name by default).

        Timers already due fire first (on an event-based gateway the earlier event wins). Raises NotWaiting when
        nothing in the instance waits for `name` then.
        """
        values = _json_dict(payload, "payload")
        with self._acting(now):
            self._catch_up()
            definition = self._waiting_for(name)
            if definition is None:
                raise NotWaiting(f"the instance is not waiting for message {name!r}")
            # Event definitions compare by class and name: build the event from the waiting one's own class.
            event = BpmnEvent(type(definition)(name), payload=values)
            self._run(lambda: self.workflow.send_event(event))

    def retry(self, variables: Mapping[str, Any] | None = None, now: datetime | None = None) -> None:
        """Clear the incident and run the failed task again, after merging `variables` into its inputs.

        Also calls services waiting for a `ServiceRetry` right away ("retry now").
        """
        if self._cancelled:
            raise EngineError("the instance is cancelled")
        fixes = _json_dict(variables, "variables")
        failed = [t for t in self._tasks() if t.state == TaskState.ERROR]
        culprit = self._task((self._incident or {}).get("task_id") or "")
        with self._acting(now):
            if fixes:
                # A reset task copies its parent's data again, so an errored task is fixed through its parent;
                # a timer or a task stopped by the step budget keeps its own data.
                targets = [t.parent for t in failed] or ([culprit] if culprit is not None else [])
                for task in targets or list(self._tasks(TaskState.READY)):
                    task.data.update(fixes)
            self._incident = None

            def again() -> None:
                for task in failed:
                    self.workflow.reset_from_task_id(task.id)
                for task in self._retrying():
                    task._set_state(TaskState.READY)
            self._run(again)

    def cancel(self, now: datetime | None = None) -> None:
        """Stop the instance: every open task is cancelled, nothing runs any more."""
        if self._cancelled or self.workflow.completed:
            return
        with self._acting(now):
            self.workflow.cancel()
        self._cancelled = True

    # ---- reading -----------------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        if self._cancelled:
            return "cancelled"
        if self._incident is not None:
            return "incident"
        if self.workflow.completed:
            return "completed"
        if any(not t.task_spec.manual for t in self._tasks(TaskState.READY)):
            return "running"
        return "waiting"

    @property
    def incident(self) -> dict | None:
        """`{element_id, type, message, line, task_id}` of the failure, or None."""
        return copy.deepcopy(self._incident)

    @property
    def retry_at(self) -> datetime | None:
        """When the earliest service that raised `ServiceRetry` is due again (UTC), or None."""
        due = [_utc(t.internal_data["retry_at"]) for t in self._tasks(TaskState.STARTED)
               if "retry_at" in t.internal_data]
        return min(due) if due else None

    def timers(self) -> list[tuple[str, datetime]]:
        """`[(element_id, due UTC)]` for every waiting timer, earliest first (an event-based gateway's timer is
        reported under the gateway's id)."""
        found = []
        for task in self.workflow.event_manager.tasks.values():
            if not any(isinstance(d, TimerEventDefinition) for d in event_definitions(task.task_spec)):
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):   # a cycle: {'cycles', 'next', 'duration'}
                value = value["next"] if value["cycles"] != 0 else None
            if isinstance(value, str):
                found.append((task.task_spec.bpmn_id, _utc(value)))
        return sorted(found, key=lambda item: item[1])

    def next_timer_at(self) -> datetime | None:
        """When `advance()` next has something to do: the earliest timer or service retry (UTC), or None."""
        if self._cancelled or self.workflow.completed:
            return None
        due = [when for _id, when in self.timers()]
        if self.retry_at is not None:
            due.append(self.retry_at)
        return min(due) if due else None

    def waiting_at(self) -> list[dict[str, Any]]:
        """The open elements: `[{id, type, name, state, task_id, user_task, retry_at}]` (JSON)."""
        result = []
        for task in self._tasks(ACTIVE):
            if task.task_spec.bpmn_id is None:
                continue
            result.append({"id": task.task_spec.bpmn_id, "type": _bpmn_type(task.task_spec),
                           "name": task.task_spec.bpmn_name, "state": TaskState.get_name(task.state),
                           "task_id": str(task.id), "user_task": bool(task.task_spec.manual),
                           "retry_at": task.internal_data.get("retry_at")})
        return result

    def history(self) -> list[dict[str, Any]]:
        """Finished and failed elements in order: `[{id, type, name, state, at (UTC datetime), task_id}]`."""
        done = [t for t in self._tasks(TaskState.FINISHED_MASK | TaskState.ERROR) if t.task_spec.bpmn_id]
        done.sort(key=lambda t: t.last_state_change)
        return [{"id": t.task_spec.bpmn_id, "type": _bpmn_type(t.task_spec), "name": t.task_spec.bpmn_name,
                 "state": TaskState.get_name(t.state), "at": datetime.fromtimestamp(t.last_state_change, UTC),
                 "task_id": str(t.id)} for t in done]

    def variables(self) -> dict[str, Any]:
        """The process variables: the final data when completed, else the data at the open elements merged."""
        if self.workflow.completed:
            data = dict(self.workflow.data)
        else:
            data = {}
            open_tasks = sorted((t for t in self._tasks(ACTIVE) if t.task_spec.bpmn_id),
                                key=lambda t: t.last_state_change)
            for task in open_tasks or ([self.workflow.last_task] if self.workflow.last_task else []):
                data.update(task.data)
        data.pop("data_objects", None)
        return copy.deepcopy(data)

    def user_tasks(self) -> list[dict[str, Any]]:
        """Ready user tasks: `[{task_id, element_id, name, kind, title, due_in, checklist, assignee, properties}]`."""
        return [{"task_id": str(t.id), "element_id": t.task_spec.bpmn_id, **describe_user_task(t.task_spec)}
                for t in self._tasks(TaskState.READY) if t.task_spec.manual]

    def waiting_messages(self) -> list[str]:
        """Names of the messages the instance can receive now (for the host's subscription rows)."""
        return sorted({d.name for d in self._message_definitions()})

    # ---- internals ---------------------------------------------------------------------------------------
    def _tasks(self, state: int = TaskState.ANY_MASK) -> Iterator[Any]:
        # Not workflow.get_tasks(): its walk stops below unfinished tasks and skips sub-processes.
        for workflow in (self.workflow, *self.workflow.subprocesses.values()):
            for task in list(workflow.tasks.values()):
                if task.has_state(state):
                    yield task

    def _task(self, task_id: str) -> Any:
        try:
            uuid = UUID(str(task_id))
        except ValueError:
            return None
        return next((t for t in self._tasks() if t.id == uuid), None)

    def _message_definitions(self) -> list[Any]:
        """Message definitions that can catch now: waiting events, and message-started event sub-processes."""
        if self._cancelled or self.workflow.completed:
            return []
        found = [d for t in self.workflow.event_manager.tasks.values() for d in event_definitions(t.task_spec)]
        for name in self.workflow.spec.start.trigger_specs:
            for start_spec in self.workflow.subprocess_specs[name].bpmn_start_events:
                found.extend(event_definitions(start_spec))
        return [d for d in found if isinstance(d, MessageEventDefinition)]

    def _waiting_for(self, message: str) -> Any:
        return next((d for d in self._message_definitions() if d.name == message), None)

    def _catch_up(self) -> None:
        """Fire what is already due before acting, so events happen in the order of their times."""
        if not self._cancelled and not self.workflow.completed:
            self._run(lambda: None)

    def _retrying(self) -> list[Any]:
        return [t for t in self._tasks(TaskState.STARTED)
                if isinstance(t.task_spec, PodborServiceTask) and "retry_at" in t.internal_data]

    @contextmanager
    def _acting(self, now: datetime | None) -> Iterator[None]:
        """Run with the engine clock at `now`; tasks changed meanwhile are stamped with that time too."""
        real_start = time.time()
        before = {t.id: t.last_state_change for t in self._tasks()} if now is not None else {}
        with clock.clock_at(now):
            try:
                yield
            finally:
                if now is not None:   # SpiffWorkflow stamps with time.time(); keep the order, move it to `now`
                    for task in self._tasks():
                        if before.get(task.id) != task.last_state_change:
                            task.last_state_change = now.timestamp() + max(0.0, task.last_state_change - real_start)

    def _run(self, action: Callable[[], Any]) -> None:
        """Do `action`, then run the engine to the next wait; a failure becomes the incident."""
        try:
            action()
            self._drive()
        except Exception as exc:  # whatever diagram code does, the host gets an incident, not a crash
            self._incident = _describe(exc, self)

    def _drive(self) -> None:
        steps = 0

        def count(task: Any) -> None:
            nonlocal steps
            steps += 1
            if steps > self.max_steps:
                raise StepBudgetExceeded(f"more than {self.max_steps} steps in one go (a loop in the diagram?)",
                                         task)

        for task in self._retrying():
            if _utc(task.internal_data["retry_at"]) <= clock.now():
                task._set_state(TaskState.READY)
        # do_engine_steps refreshes timers last and leaves what fired READY: loop until nothing is ready.
        self.workflow.refresh_timers()
        for _ in range(MAX_ROUNDS):
            self.workflow.do_engine_steps(will_complete_task=count)
            if not any(not t.task_spec.manual for t in self._tasks(TaskState.READY)):
                break

    def _kickoff(self, variables: dict, message: str | None, payload: dict, fire_timer: bool) -> None:
        self.workflow.get_next_task(state=TaskState.READY).data.update(variables)   # the root Start task
        if message is None and not fire_timer:
            return
        # Run the internal start tasks so the start events exist, then keep only the triggered one.
        while (task := next((t for t in self.workflow.tasks.values() if t.state == TaskState.READY
                             and t.task_spec.bpmn_id is None), None)) is not None:
            task.run()
        for task in [t for t in self.workflow.tasks.values() if isinstance(t.task_spec, StartEvent)]:
            kinds = event_definitions(task.task_spec)
            chosen = (any(isinstance(d, MessageEventDefinition) and d.name == message for d in kinds) if message
                      else any(isinstance(d, TimerEventDefinition) for d in kinds))
            if not chosen and not task.has_state(TaskState.FINISHED_MASK):
                task.cancel()
            elif chosen and fire_timer:
                past = (clock.now() - timedelta(microseconds=1)).isoformat()
                value = task.internal_data.get("event_value")
                task.internal_data["event_value"] = {**value, "cycles": 1, "next": past} if isinstance(
                    value, dict) else past
        if message is not None:
            definition = self._waiting_for(message)
            self.workflow.send_event(BpmnEvent(type(definition)(message), payload=payload))


def _engine(context: Mapping[str, Any] | None, services: ServiceDispatcher | None,
            max_lines: int) -> PodborScriptEngine:
    snapshot = _json_dict(context, "context")
    for name in snapshot:
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"context name {name!r} is not a valid variable name")
    if services is not None and not isinstance(services, ServiceDispatcher):
        raise TypeError("services must implement ServiceDispatcher.call()")
    return PodborScriptEngine(snapshot, services or _NoServices(), max_lines=max_lines)


def _json_dict(value: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict, not {type(value).__name__}")
    return to_json_value(dict(value), name)


def _utc(text: str) -> datetime:
    return TimerEventDefinition.get_datetime(text).astimezone(UTC)


def _bpmn_type(task_spec: Any) -> str:
    name = type(task_spec).__name__
    return _SPECIAL_TYPES.get(name) or name[0].lower() + name[1:]


def _describe(exc: Exception, instance: Instance) -> dict[str, Any]:
    """The incident for an exception: the element at fault, the error type, a message and the script line."""
    task = getattr(exc, "task", None)
    if task is None and isinstance(exc, StepBudgetExceeded) and len(exc.args) > 1:
        task = exc.args[1]
    task_spec = getattr(exc, "task_spec", None) or (task.task_spec if task is not None else None)
    if task is None and task_spec is not None:
        task = next((t for t in instance._tasks(TaskState.ERROR) if t.task_spec is task_spec), None)
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    notes = [n.strip(" .") for n in getattr(exc, "notes", []) if n and n.strip(" .")]
    if notes:
        message = f"{message.rstrip('. ')}. {'. '.join(notes)}"
    return {"element_id": getattr(task_spec, "bpmn_id", None), "type": getattr(exc, "error_type", None)
            or type(exc).__name__, "message": message, "line": getattr(exc, "line_number", None) or None,
            "task_id": str(task.id) if task is not None else None}
