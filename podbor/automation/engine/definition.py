"""Deploying a diagram: `parse_definition()` turns BPMN XML into a JSON spec; `load_spec()` turns that into objects.

What Podbor's designer writes (bpmn-js with the `spiffworkflow` namespace,
`xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"`):

Service task. `id` is a CATALOGUE operator; each `value` is a Python expression evaluated in the sandbox, and
any JSON literal is one (`true`/`false`/`null` included), so a fixed value is written `JSON.stringify(value)`.
`type` may be left out (the catalogue's is used); `resultVariable` defaults to `<operator>_result`:

    <bpmn:serviceTask id="Activity_move" name="Move to Interview">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="move_to_stage" resultVariable="move_result">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="stage" type="str" value="&quot;Interview&quot;" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>

User task with the properties Podbor turns into a task (all optional; `checklist` is `;`-separated;
`camunda:properties/camunda:property` is read the same way):

    <bpmn:userTask id="Activity_call" name="Call the candidate">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="kind" value="call" />
          <spiffworkflow:property name="title" value="Call back within the hour" />
          <spiffworkflow:property name="due_in" value="PT1H" />
          <spiffworkflow:property name="checklist" value="Confirm the city;Book an interview" />
          <spiffworkflow:property name="assignee" value="responsible" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>

Timers hold bare ISO 8601 texts, as every modeler writes them (`timeDate` needs an offset); the lint quotes them:

    <bpmn:timerEventDefinition id="TimerEventDefinition_sla">
      <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT90S</bpmn:timeDuration>
    </bpmn:timerEventDefinition>

Also accepted: Camunda 7 external tasks (`camunda:topic="<operator>"` with `camunda:inputOutput` literal
`camunda:inputParameter`s, `camunda:list`, `camunda:map`), Python conditions on sequence flows, Python script
tasks. A message's payload lands in the variable named after the message (`candidate_replied`, or
`deal_entered_stage` for `deal.entered_stage`) unless `spiffworkflow:messageVariable` names another.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition

from .errors import DefinitionInvalid, StateIncompatible, definition_error, gettext_noop
from .lint import Linter, message_variable, read_xml
from .specs import SERIALIZER, SERIALIZER_VERSION, PodborBpmnParser, PodborServiceTask, adopt_timers, event_definitions

SPEC_FORMAT = "podbor-bpmn-spec/1"


@dataclass(frozen=True, eq=False)
class LoadedSpec:
    """The spec objects of one definition version, ready to run instances.

    Immutable in use and shared safely by any number of instances in a process: keep them in an LRU keyed by
    (definition id, version). `start_timer` and `start_messages` are as in `ParsedDefinition`.
    """

    key: str
    name: str
    spec: Any
    subprocess_specs: dict[str, Any]
    start_timer: str | None = None
    start_messages: tuple[str, ...] = ()

    def task_specs(self) -> list[Any]:
        """Every task spec, sub-processes included."""
        return [ts for s in (self.spec, *self.subprocess_specs.values()) for ts in s.task_specs.values()]


Spec = LoadedSpec


@dataclass(frozen=True)
class ParsedDefinition:
    """A deployable diagram.

    - `key`: the executable process's id, `name`: its name (or the id).
    - `spec`: a JSON-serialisable dict (format and SpiffWorkflow serializer version inside): store it with the
      definition version and pass it to `load_spec()`. It is a cache: it can be rebuilt from the XML.
    - `start_timer`: the ISO text of a timer start event (`"R/PT20M"`, `"PT1H"`, a date) or None. The host
      owns that schedule: on each tick it starts an instance with `Instance.start(..., fire_start_timer=True)`.
    - `start_messages`: names of the message start events: the triggers that start an instance
      (`Instance.start(..., start_message=name, payload=…)`).
    - `messages`: every message name the diagram catches (start, intermediate, boundary, receive tasks).
    - `service_tasks`: `[{id, name, operator, params: {name: expression}, result_variable}]`.
    - `user_tasks`: `[{id, name, type, kind, title, due_in, checklist, assignee, properties}]`.
    """

    key: str
    name: str
    spec: dict[str, Any]
    start_timer: str | None = None
    start_messages: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    service_tasks: list[dict[str, Any]] = field(default_factory=list)
    user_tasks: list[dict[str, Any]] = field(default_factory=list)

    def load(self) -> LoadedSpec:
        return load_spec(self.spec)


def parse_definition(xml: bytes | str) -> ParsedDefinition:
    """Check and compile a BPMN 2.0 diagram (Podbor designer, Camunda Modeler 7 or bpmn.io export).

    Raises `DefinitionInvalid` with every problem found: unsafe or non-BPMN XML, no start event, unsupported
    elements, bad timers, JUEL or non-Python code, code the sandbox refuses, unknown service operators or
    missing, mistyped or invalid parameters, XSD violations.
    """
    root = read_xml(xml)
    lint = Linter(root).run()
    key = lint.process.get("id")
    spec, subprocess_specs = _spiff_parse(root, key)
    specs = [spec, *subprocess_specs.values()]
    adopt_timers(specs)
    for task_spec in (ts for s in specs for ts in s.task_specs.values()):
        for definition in event_definitions(task_spec):
            # SpiffWorkflow drops a message's payload unless the diagram names a variable; modelers don't.
            if isinstance(definition, MessageEventDefinition) and definition.message_var is None:
                definition.message_var = message_variable(definition.name)
    spec_dict = {
        "format": SPEC_FORMAT, "serializer_version": SERIALIZER_VERSION, "key": key,
        "name": lint.process.get("name") or key, "start_timer": lint.start_timer,
        "start_messages": sorted(set(lint.start_messages)),
        "spec": SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SERIALIZER.to_dict(s) for name, s in subprocess_specs.items()},
    }
    spec_dict = json.loads(json.dumps(spec_dict))
    loaded = load_spec(spec_dict)
    return ParsedDefinition(
        key=key, name=spec_dict["name"], spec=spec_dict, start_timer=lint.start_timer,
        start_messages=list(spec_dict["start_messages"]), messages=lint.messages,
        service_tasks=[describe_service_task(ts) for ts in loaded.task_specs() if isinstance(ts, PodborServiceTask)],
        user_tasks=[describe_user_task(ts) for ts in loaded.task_specs() if getattr(ts, "manual", False)],
    )


def load_spec(spec: dict[str, Any]) -> LoadedSpec:
    """Rebuild the spec objects from `ParsedDefinition.spec` (about a millisecond; cache the result).

    Raises `StateIncompatible` for a spec written by another format or SpiffWorkflow serializer version:
    parse the stored XML again.
    """
    if spec.get("format") != SPEC_FORMAT or spec.get("serializer_version") != SERIALIZER_VERSION:
        raise StateIncompatible(f"spec format {spec.get('format')!r}/{spec.get('serializer_version')!r} is not "
                                f"{SPEC_FORMAT!r}/{SERIALIZER_VERSION!r}: parse the BPMN again")
    spec = copy.deepcopy(spec)   # SpiffWorkflow's converters consume the dicts they read
    return LoadedSpec(
        key=spec["key"], name=spec["name"], spec=SERIALIZER.from_dict(spec["spec"]),
        subprocess_specs={name: SERIALIZER.from_dict(s) for name, s in spec["subprocess_specs"].items()},
        start_timer=spec["start_timer"], start_messages=tuple(spec["start_messages"]))


def describe_service_task(task_spec: PodborServiceTask) -> dict[str, Any]:
    return {"id": task_spec.bpmn_id, "name": task_spec.bpmn_name, "operator": task_spec.operation_name,
            "params": {name: p["value"] for name, p in task_spec.operation_params.items()},
            "result_variable": task_spec.result_variable}


def describe_user_task(task_spec: Any) -> dict[str, Any]:
    """What the host needs to create a Podbor task for a user (or manual) task, from its extension properties.

    `kind`, `due_in` (ISO duration) are None when not set; `title` falls back to the element's name;
    `checklist` is the `;`-separated property split into items; `assignee` defaults to "responsible".
    """
    properties = dict((getattr(task_spec, "extensions", None) or {}).get("properties") or {})
    checklist = [item.strip() for item in (properties.get("checklist") or "").split(";") if item.strip()]
    return {"id": task_spec.bpmn_id, "name": task_spec.bpmn_name,
            "type": "manualTask" if type(task_spec).__name__ == "ManualTask" else "userTask",
            "kind": properties.get("kind") or None, "title": properties.get("title") or task_spec.bpmn_name
            or task_spec.bpmn_id, "due_in": (properties.get("due_in") or "").strip() or None, "checklist": checklist,
            "assignee": (properties.get("assignee") or "").strip() or "responsible", "properties": properties}


def _spiff_parse(root: Any, key: str) -> tuple[Any, dict[str, Any]]:
    parser = PodborBpmnParser(validator=VALIDATOR)   # XSD: BPMN 2.0 + spiffworkflow.xsd
    try:
        parser.add_bpmn_xml(root, filename=f"{key}.bpmn")   # never add_bpmn_str: it uses lxml's default parser
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise DefinitionInvalid([_validation_error(root, exc)]) from exc
    except Exception as exc:
        raise DefinitionInvalid([definition_error("", "", None, gettext_noop("the diagram cannot be read: %(detail)s"),
                                                  detail=str(exc))]) from exc


def _validation_error(root: Any, exc: ValidationException) -> dict[str, Any]:
    """Map SpiffWorkflow's error to Podbor's: node errors carry no line, XSD errors carry no id."""
    element_id, tag = exc.id or "", (exc.tag or "").split(":")[-1]
    line = exc.line_number if isinstance(exc.line_number, int) else None
    if element_id and line is None:
        node = root.find(f".//*[@id='{element_id}']") if re.fullmatch(r"[\w.\-]+", element_id) else None
        line = node.sourceline if node is not None else None
    elif not element_id and line:
        match = re.search(r"Element '([^']+)'", str(exc))
        node = next((el for el in root.iter() if el.sourceline == line and isinstance(el.tag, str)
                     and (match is None or el.tag == match.group(1))), None)
        while node is not None and not node.get("id"):
            node = node.getparent()
        if node is not None:
            element_id, tag = node.get("id"), node.tag.split("}")[-1]
    detail = str(exc).strip().rstrip(".").strip()
    return definition_error(element_id, tag, line, gettext_noop("invalid BPMN: %(detail)s"), detail=detail)
