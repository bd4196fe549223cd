"""Podbor's SpiffWorkflow classes: service task, clock-aware timers, parser and serializer.

Each Podbor class has its own serializer type name, so a stored spec never silently loads into a stock
SpiffWorkflow class (whose timers read the wall clock and whose service task would bypass the catalogue).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser, SpiffTaskParser, UserTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import ManualTask, UserTask
from SpiffWorkflow.spiff.specs.defaults import ServiceTask as SpiffServiceTask
from SpiffWorkflow.util.task import TaskState

from . import clock
from .errors import ServiceRetry
from .script_engine import PodborScriptEngine

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "spiffworkflow": SPIFF_NS}


# ---- service task ----------------------------------------------------------------------------------------
class PodborServiceTask(SpiffServiceTask):
    """A service task dispatched through the catalogue; `ServiceRetry` leaves it STARTED with a `retry_at`."""

    def _execute(self, task: Any) -> bool | None:
        engine = task.workflow.script_engine
        if not isinstance(engine, PodborScriptEngine):
            raise WorkflowTaskException("the sandboxed script engine is not attached", task=task)
        params = self.evaluate_params(task)
        try:
            result = engine.call_service(task, operation_name=self.operation_name, operation_params=params)
        except ServiceRetry as retry:
            attempts = task.internal_data.get("retry_attempts", 0) + 1
            task.internal_data.update(
                retry_at=(clock.now() + timedelta(seconds=retry.delay_seconds)).isoformat(),
                retry_attempts=attempts, retry_reason=retry.reason)
            return None   # the task goes STARTED: not consumed, the host comes back at retry_at
        task.internal_data.pop("retry_at", None)
        task.data[self.result_variable] = result
        return True


# ---- timers that read clock.now() ------------------------------------------------------------------------
def _evaluate_timer(definition: TimerEventDefinition, my_task: Any, parse: Any) -> Any:
    """Evaluate and check the timer expression; on failure the timer waits, so a retry evaluates it again."""
    try:
        expression = my_task.workflow.script_engine.evaluate(my_task, definition.expression)
        if not isinstance(expression, str):
            raise TypeError(f"the timer expression gave {type(expression).__name__}, not an ISO 8601 text")
        return parse(expression.strip())
    except Exception as exc:
        if my_task.state != TaskState.WAITING:
            my_task._set_state(TaskState.WAITING)
        my_task.workflow.top_workflow.event_manager.add_task(my_task)
        if isinstance(exc, WorkflowTaskException):
            raise
        raise WorkflowTaskException(f"timer {definition.expression!r}: {exc}", task=my_task, exception=exc) from exc


class PodborDurationTimer(DurationTimerEventDefinition):
    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            parsed = _evaluate_timer(self, my_task, clock.parse_duration)
            start = clock.now()
            event_value = (start + TimerEventDefinition.get_timedelta_from_start(parsed, start)).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class PodborTimeDateTimer(TimeDateEventDefinition):
    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = _evaluate_timer(self, my_task, lambda text: clock.check_date(text).isoformat())
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class PodborCycleTimer(CycleTimerEventDefinition):
    def cycle_complete(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            cycles, start, duration = _evaluate_timer(self, my_task, _parse_cycle)
            event_value = {"cycles": cycles, "next": start.isoformat(), "duration": duration.total_seconds()}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= clock.now():
                event_value["next"] = (next_event + timedelta(seconds=event_value["duration"])).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _parse_cycle(text: str) -> tuple[int, datetime, timedelta]:
    clock.check_cycle(text)
    parts = text.upper().replace("--", "/").split("/")
    if len(parts) == 2 and parts[1].startswith("P"):   # R[n]/duration: the first tick is one period from now
        start = clock.now()
        duration = TimerEventDefinition.get_timedelta_from_start(clock.parse_duration(parts[1]), start)
        return (int(parts[0][1:]) if parts[0][1:] else -1), start + duration, duration
    return TimerEventDefinition.parse_iso_recurring_interval(text)


TIMER_CLASSES: dict[type, type] = {
    DurationTimerEventDefinition: PodborDurationTimer,
    TimeDateEventDefinition: PodborTimeDateTimer,
    CycleTimerEventDefinition: PodborCycleTimer,
}


def event_definitions(task_spec: Any) -> list[Any]:
    """The event definitions of a task spec, unwrapping an event-based gateway's MultipleEventDefinition."""
    definition = getattr(task_spec, "event_definition", None)
    if definition is None:
        return []
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def adopt_timers(specs: list[Any]) -> None:
    """Turn the parser's stock timer definitions into Podbor's clock-aware ones (same attributes)."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            for definition in event_definitions(task_spec):
                podbor_class = TIMER_CLASSES.get(type(definition))
                if podbor_class is not None:
                    definition.__class__ = podbor_class


# ---- parser ----------------------------------------------------------------------------------------------
class PodborServiceTaskParser(ServiceTaskParser):
    """Reads `spiffworkflow:serviceTaskOperator` (the lint has already rewritten Camunda 7 topics into it)."""

    def create_task(self) -> PodborServiceTask:
        extensions = self.parse_extensions()
        operator = extensions.get("serviceTaskOperator")
        if operator is None:
            raise ValidationException("A Service Task must have an operator", node=self.node, file_name=self.filename)
        return PodborServiceTask(
            self.spec, self.bpmn_id, operation_name=operator["name"], operation_params=operator["parameters"],
            result_variable=operator["resultVariable"] or f"{operator['name']}_result",
            prescript=extensions.get("preScript"), postscript=extensions.get("postScript"), **self.bpmn_attributes)


def _with_camunda_properties(extensions: dict, node: Any) -> dict:
    """Add Camunda 7 `camunda:properties` to the task's `properties` (spiffworkflow ones win)."""
    found = node.xpath("./bpmn:extensionElements/camunda:properties/camunda:property", namespaces=NS)
    if found:
        camunda = {p.get("name"): p.get("value", "") for p in found if p.get("name")}
        extensions["properties"] = {**camunda, **extensions.get("properties", {})}
    return extensions


class PodborUserTaskParser(UserTaskParser):
    def parse_extensions(self, node: Any = None) -> dict:
        node = self.node if node is None else node
        return _with_camunda_properties(super().parse_extensions(node), node)


class PodborManualTaskParser(SpiffTaskParser):
    def parse_extensions(self, node: Any = None) -> dict:
        node = self.node if node is None else node
        return _with_camunda_properties(super().parse_extensions(node), node)


class PodborBpmnParser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (PodborServiceTaskParser, PodborServiceTask),
        full_tag("userTask"): (PodborUserTaskParser, UserTask),
        full_tag("manualTask"): (PodborManualTaskParser, ManualTask),
    }


# ---- serializer: the spec once per definition, the instance state without it ------------------------------
class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Leaves the spec out of the state; restoring takes the spec and the script engine as arguments."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict, spec: Any = None, subprocess_specs: dict | None = None,
                  script_engine: PodborScriptEngine | None = None) -> BpmnWorkflow:
        if not isinstance(script_engine, PodborScriptEngine):
            raise TypeError("a workflow is only restored with Podbor's sandboxed script engine")
        dct = dict(dct)
        # The engine goes in at construction: there is no moment with SpiffWorkflow's unsandboxed default.
        workflow = self.target_class(spec, subprocess_specs or {}, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _serializer_config() -> dict:
    config = dict(SPIFF_CONFIG)
    config[PodborServiceTask] = config.pop(SpiffServiceTask)
    for stock, ours in TIMER_CLASSES.items():
        config[ours] = config.pop(stock)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    return config


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_serializer_config()))
SERIALIZER_VERSION: str = SERIALIZER.VERSION


def localname(element: Any) -> str:
    return etree.QName(element).localname
