"""Shared pieces for the engine tests (no tests here): diagrams, a recording dispatcher, a fixed clock.

The engine is plain Python: these tests need no database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from podbor.automation.engine import Instance, LoadedSpec, ServiceRetry, parse_definition

BPMN_DIR = Path(__file__).parent / "bpmn"
T0 = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)   # in the past, so the wall clock is always later
DEAL = {"id": 42, "amount": 150_000, "title": "Python developer"}
CONTACT = {"id": 7, "name": "Anna", "tags": ["python", "remote"]}
CONTEXT = {"deal": DEAL, "contact": CONTACT}

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">\n')
TAIL = "\n</bpmn:definitions>\n"


def diagram(body: str, process_id: str = "P", extra: str = "") -> str:
    """A minimal BPMN document around the process body (flow nodes and flows)."""
    return f'{HEAD}{extra}<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>{TAIL}'


def chain(*nodes: str) -> str:
    """Start event → the given flow nodes (each with an id attribute) → end event, linked in order."""
    ids = ["S"] + [node.split('id="', 1)[1].split('"', 1)[0] for node in nodes] + ["E"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
                    for i, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    return '<bpmn:startEvent id="S"/>' + "".join(nodes) + '<bpmn:endEvent id="E"/>' + flows


def service(element_id: str, operator: str, **params: str) -> str:
    """A Podbor-designer service task; each value is an expression (JSON literals included)."""
    items = "".join(f'<spiffworkflow:parameter id="{k}" value="{v}"/>' for k, v in params.items())
    return (f'<bpmn:serviceTask id="{element_id}"><bpmn:extensionElements>'
            f'<spiffworkflow:serviceTaskOperator id="{operator}"><spiffworkflow:parameters>{items}'
            '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
            '</bpmn:serviceTask>')


def script(element_id: str, source: str) -> str:
    return f'<bpmn:scriptTask id="{element_id}"><bpmn:script>{source}</bpmn:script></bpmn:scriptTask>'


def load(name_or_xml: str) -> LoadedSpec:
    """A file from tests/bpmn, or XML text, parsed and loaded."""
    xml = (BPMN_DIR / name_or_xml).read_bytes() if name_or_xml.endswith(".bpmn") else name_or_xml
    return parse_definition(xml).load()


class Recorder:
    """A ServiceDispatcher that records calls; `retry` / `fail` make the next calls of an operator misbehave."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, str, str]] = []
        self.retry: dict[str, list[float]] = {}
        self.fail: dict[str, Exception] = {}

    def call(self, operator: str, params: dict, *, element_id: str, task_id: str,
             variables: dict | None = None) -> dict | None:
        self.calls.append((operator, params, element_id, task_id))
        if self.retry.get(operator):
            raise ServiceRetry(self.retry[operator].pop(0), "busy")
        if operator in self.fail:
            raise self.fail[operator]
        return {"ok": True, "operator": operator}

    def operators(self) -> list[str]:
        return [c[0] for c in self.calls]


def start(spec: LoadedSpec, variables: dict | None = None, services: Recorder | None = None, **kwargs) -> Instance:
    return Instance.start(spec, variables or {}, CONTEXT, services or Recorder(), now=kwargs.pop("now", T0), **kwargs)


def ids(items: list[dict], key: str = "id") -> list[str]:
    return [item[key] for item in items]
