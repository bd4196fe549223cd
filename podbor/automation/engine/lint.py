"""Safe XML reading and Podbor's own pass over a whole diagram before SpiffWorkflow parses it.

SpiffWorkflow parses lazily from the start event and checks no expressions, so this pass walks every element
of the executable process and collects all problems at once. It also normalises what modelers write into what
the engine runs: bare ISO timer texts are quoted, Camunda 7 external-task topics become
`spiffworkflow:serviceTaskOperator`, missing parameter types come from the catalogue, and a lone process saved
with `isExecutable="false"` (bpmn.io's default) is made executable.
"""

from __future__ import annotations

import ast
import json
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from . import clock
from .catalogue import ASSIGNEE, CATALOGUE, validate_params
from .errors import DefinitionInvalid, definition_error, gettext_noop
from .sandbox import check_expression, check_script
from .specs import BPMN_NS, CAMUNDA_NS, NS, SPIFF_NS

MAX_XML_BYTES = 2_000_000
DYNAMIC = object()   # a parameter value only known at run time

TOP_LEVEL = {"process", "collaboration", "message", "signal", "error", "escalation", "category", "itemDefinition",
             "extensionElements", "documentation"}
IN_COLLABORATION = {"participant", "messageFlow", "textAnnotation", "text", "association", "group", "documentation",
                    "extensionElements"}
IN_PROCESS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task",
    "userTask", "manualTask", "scriptTask", "serviceTask", "receiveTask", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "subProcess", "sequenceFlow", "incoming", "outgoing",
    "conditionExpression", "script", "laneSet", "lane", "flowNodeRef", "childLaneSet", "dataObject",
    "dataObjectReference", "dataState", "dataInputAssociation", "dataOutputAssociation", "sourceRef", "targetRef",
    "textAnnotation", "text", "association", "group", "documentation", "extensionElements",
    "timerEventDefinition", "timeDate", "timeDuration", "timeCycle", "messageEventDefinition",
    "errorEventDefinition", "escalationEventDefinition", "signalEventDefinition", "terminateEventDefinition",
}
HINTS = {
    "callActivity": gettext_noop("call activities are not supported: use a service task with the start_process "
                                 "operator"),
    "sendTask": gettext_noop("send tasks are not supported: use a service task with the send_message operator"),
    "businessRuleTask": gettext_noop("business rule (DMN) tasks are not supported: use a script task"),
    "multiInstanceLoopCharacteristics": gettext_noop("loops on a task are not supported: draw the loop with a gateway"),
    "standardLoopCharacteristics": gettext_noop("loops on a task are not supported: draw the loop with a gateway"),
}
EVENTS_ALLOWED = {
    "startEvent": {"timerEventDefinition", "messageEventDefinition"},
    "intermediateCatchEvent": {"timerEventDefinition", "messageEventDefinition", "signalEventDefinition"},
    "boundaryEvent": {"timerEventDefinition", "messageEventDefinition", "errorEventDefinition",
                      "escalationEventDefinition", "signalEventDefinition"},
    "intermediateThrowEvent": {"signalEventDefinition", "escalationEventDefinition"},
    "endEvent": {"errorEventDefinition", "escalationEventDefinition", "signalEventDefinition",
                 "terminateEventDefinition"},
}
EVENT_SUBPROCESS_STARTS = {"timerEventDefinition", "messageEventDefinition", "errorEventDefinition",
                           "escalationEventDefinition", "signalEventDefinition"}
PYTHON_FORMATS = {"", "python", "python3", "py", "text/x-python", "text/python"}
USER_TASK_ASSIGNEE = re.compile(ASSIGNEE)


RESERVED_IDS = {"Start", "End", "Root"}
# The host records elements by id in columns of this size.
MAX_ID_LENGTH = 200


def read_xml(xml: bytes | str) -> Any:
    """Parse an upload without entities, network or DTDs; raise DefinitionInvalid for anything unsafe."""
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    if len(data) > MAX_XML_BYTES:
        raise DefinitionInvalid([definition_error("", "", None, gettext_noop("the file is larger than %(limit)s bytes"),
                                                  limit=MAX_XML_BYTES)])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)  # noqa: S320 - the parser above resolves no entities
    except etree.XMLSyntaxError as exc:
        raise DefinitionInvalid([definition_error("", "", exc.lineno, gettext_noop("not XML: %(detail)s"),
                                                  detail=exc.msg)]) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise DefinitionInvalid([definition_error("", "", 1, gettext_noop("DOCTYPE is not allowed"))])
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise DefinitionInvalid([definition_error(
            "", etree.QName(root).localname, root.sourceline,
            gettext_noop("not a BPMN 2.0 document (the root must be bpmn:definitions)"))])
    return root


def quoted(text: str) -> str | None:
    """The inside of a Python string literal `'…'`/`"…"`, or None when the text is not one."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    return None


def normalise_timer(kind: str, text: str) -> tuple[str, str | None]:
    """Return (Python expression for the engine, the ISO literal or None when it is a variable expression)."""
    text = (text or "").strip()
    if not text:
        raise ValueError("the timer is empty")
    if "${" in text or "#{" in text:
        raise ValueError(f"{text!r}: JUEL/FEEL expressions are not supported, write an ISO 8601 text or Python")
    literal = quoted(text)
    upper = (literal if literal is not None else text).upper()
    looks_iso = {"timeDuration": re.match(r"^P[\dT]", upper), "timeCycle": re.match(r"^R\d*/", upper),
                 "timeDate": re.match(r"^\d{4}-", upper)}[kind]
    if literal is None and kind == "timeCycle" and re.fullmatch(r"[\d*?/,\-LW# ]+", text) and " " in text:
        raise ValueError(f"{text!r}: cron expressions are not supported, write an ISO 8601 cycle such as R/P1D")
    if literal is not None or looks_iso:
        if kind == "timeDuration":
            clock.parse_duration(upper)
        elif kind == "timeCycle":
            clock.check_cycle(upper)
        else:
            upper = (literal if literal is not None else text).strip()
            clock.check_date(upper)
        return repr(upper), upper
    reason = check_expression(text)
    if reason:
        raise ValueError(f"{text!r} is neither ISO 8601 nor a valid expression ({reason})")
    return text, None


def literal_value(expression: str) -> Any:
    """The value of a constant parameter expression (JSON or Python literal), else DYNAMIC."""
    try:
        return json.loads(expression)
    except ValueError:
        pass
    try:
        return ast.literal_eval(expression.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return DYNAMIC


def message_variable(name: str) -> str:
    """The variable that receives a message's payload: its name made a valid script identifier."""
    var = re.sub(r"\W", "_", name) or "message"
    if var[0].isdigit() or var.startswith("_"):
        var = f"m{var}" if var.startswith("_") else f"m_{var}"
    return f"{var}_" if keyword.iskeyword(var) else var


@dataclass
class LintResult:
    process: Any
    start_timer: str | None = None
    start_messages: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class Linter:
    def __init__(self, root: Any):
        self.root = root
        self.errors: list[dict[str, Any]] = []
        self.message_names = {m.get("id"): m.get("name") for m in root.findall("bpmn:message", NS)}
        self.result: LintResult | None = None

    def error(self, element: Any, template: str, /, **params: Any) -> None:
        node = element
        while node is not None and not node.get("id"):
            node = node.getparent()
        target = node if node is not None else element
        element_id = "" if target is self.root else target.get("id", "")   # "" stands for the document
        self.errors.append(definition_error(element_id, etree.QName(target).localname, element.sourceline,
                                            template, **params))

    def run(self) -> LintResult:
        process = self._choose_process()
        if process is None:
            raise DefinitionInvalid(self.errors)
        self.result = LintResult(process)
        for child in self.root:
            name = _bpmn_name(child)
            if name is not None and name not in TOP_LEVEL:
                self.error(child, HINTS.get(name, gettext_noop("unsupported element bpmn:%(element)s")), element=name)
            if name == "collaboration":
                for element in child:
                    inner = _bpmn_name(element)
                    if inner is not None and inner not in IN_COLLABORATION:
                        self.error(element, gettext_noop("unsupported element bpmn:%(element)s"), element=inner)
        self._walk(process, top=True)
        if not any(_bpmn_name(c) == "startEvent" for c in process):
            self.error(process, gettext_noop("the process has no start event"))
        if self.errors:
            raise DefinitionInvalid(self.errors)
        self.result.messages = sorted(set(self.result.messages))
        return self.result

    def _choose_process(self) -> Any:
        processes = self.root.findall("bpmn:process", NS)
        if not processes:
            self.error(self.root, gettext_noop("the document has no bpmn:process"))
            return None
        executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
        if not executable and len(processes) == 1:
            processes[0].set("isExecutable", "true")     # bpmn.io saves new diagrams as not executable
            executable = processes
        if len(executable) != 1:
            for p in processes:
                self.error(p, gettext_noop("mark exactly one process as executable (found %(count)s)"),
                           count=len(executable))
            return None
        return executable[0]

    def _walk(self, container: Any, top: bool) -> None:
        for element in container:
            name = _bpmn_name(element)
            if name is None or name == "extensionElements":
                continue
            if name not in IN_PROCESS:
                self.error(element, HINTS.get(name, gettext_noop("unsupported element bpmn:%(element)s")), element=name)
                continue
            if element.get("id") in RESERVED_IDS or (element.get("id") or "").endswith(".EndJoin"):
                # SpiffWorkflow names its own task specs so: a diagram element with one of these ids breaks them.
                self.error(element, gettext_noop("the id %(id)s is reserved by the engine: rename the element"),
                           id=element.get("id"))
            if len(element.get("id") or "") > MAX_ID_LENGTH:
                self.error(element, gettext_noop("the id is longer than %(most)s characters"), most=MAX_ID_LENGTH)
            check = self.CHECKS.get(name)
            if check is not None:
                check(self, element)
            if name in EVENTS_ALLOWED:
                self._check_event(element, name, top, container)
            if name == "subProcess":
                self._walk(element, top=False)
                if not any(_bpmn_name(c) == "startEvent" for c in element):
                    self.error(element, gettext_noop("the sub-process has no start event"))
            else:
                self._walk(element, top)

    # -- events ------------------------------------------------------------------------------------------
    def _check_event(self, event: Any, name: str, top: bool, container: Any) -> None:
        definitions = [c for c in event if (_bpmn_name(c) or "").endswith("EventDefinition")]
        allowed = EVENTS_ALLOWED[name]
        if name == "startEvent" and not top:   # a sub-process starts with a none event, an event sub-process with one
            allowed = EVENT_SUBPROCESS_STARTS if container.get("triggeredByEvent") == "true" else set()
            if allowed and event.get("isInterrupting", "true") != "false":
                # SpiffWorkflow runs every event sub-process alongside the process, never instead of it.
                self.error(event, gettext_noop("an event sub-process cannot interrupt: make it non-interrupting, "
                                               "or use a boundary event"))
        if len(definitions) > 1:
            self.error(event, gettext_noop("an event may have one trigger only"))
        for definition in definitions:
            kind = _bpmn_name(definition)
            if kind == "messageEventDefinition" and name in ("intermediateThrowEvent", "endEvent"):
                self.error(event, gettext_noop("throwing a message is not supported: use a service task with "
                                               "send_message"))
            elif kind not in allowed:
                self.error(event, gettext_noop("%(definition)s is not supported on bpmn:%(element)s"),
                           definition=kind, element=name)
            elif kind == "messageEventDefinition":
                message = self._message(event, definition.get("messageRef"))
                if message and name == "startEvent" and top:
                    self.result.start_messages.append(message)
            elif kind == "timerEventDefinition":
                self._check_timer(event, definition, name == "startEvent" and top)

    def _message(self, element: Any, ref: str | None) -> str | None:
        name = self.message_names.get(ref) if ref else None
        if not name:
            self.error(element, gettext_noop("the event needs a bpmn:message with a name"))
            return None
        self.result.messages.append(name)
        return name

    def _check_receive_task(self, element: Any) -> None:
        self._message(element, element.get("messageRef"))

    def _check_timer(self, event: Any, definition: Any, is_start: bool) -> None:
        parts = [c for c in definition if _bpmn_name(c) in ("timeDate", "timeDuration", "timeCycle")]
        if len(parts) != 1:
            self.error(event, gettext_noop("a timer needs exactly one of timeDate, timeDuration or timeCycle"))
            return
        part, kind = parts[0], _bpmn_name(parts[0])
        try:
            part.text, literal = normalise_timer(kind, part.text or "")
        except ValueError as exc:
            self.error(event, gettext_noop("bad timer %(kind)s: %(detail)s"), kind=kind, detail=str(exc))
            return
        if is_start:
            if literal is None:
                self.error(event, gettext_noop("a start timer must be a fixed ISO 8601 text, not an expression"))
            elif self.result.start_timer is not None:
                self.error(event, gettext_noop("only one timer start event is supported"))
            else:
                self.result.start_timer = literal

    # -- code ----------------------------------------------------------------------------------------------
    def _check_script_task(self, element: Any) -> None:
        self._check_prepost(element)
        fmt = (element.get("scriptFormat") or "").strip().lower()
        if fmt not in PYTHON_FORMATS:
            self.error(element, gettext_noop("script format %(format)r is not supported (Python only)"), format=fmt)
            return
        script = element.find("bpmn:script", NS)
        if script is None or not (script.text or "").strip():
            self.error(element, gettext_noop("the script task has no script"))
            return
        self._script(element, script.text, gettext_noop("script rejected: %(detail)s"))

    def _script(self, element: Any, source: str, template: str) -> None:
        reason = check_script(source)
        if reason:
            self.error(element, template, detail=reason)

    def _check_sequence_flow(self, flow: Any) -> None:
        condition = flow.find("bpmn:conditionExpression", NS)
        if condition is None:
            return
        text = (condition.text or "").strip()
        language = (condition.get("language") or "").lower()
        if language and language not in PYTHON_FORMATS:
            self.error(flow, gettext_noop("condition language %(language)r is not supported (Python only)"),
                       language=language)
        elif "${" in text or "#{" in text:
            self.error(flow, gettext_noop("condition %(text)r: JUEL/FEEL is not supported, write Python"), text=text)
        elif reason := check_expression(text):
            self.error(flow, gettext_noop("condition rejected: %(detail)s"), detail=reason)

    def _check_prepost(self, element: Any) -> None:
        for tag in ("preScript", "postScript"):
            for node in element.findall(f"bpmn:extensionElements/spiffworkflow:{tag}", NS):
                if (node.text or "").strip():
                    self._script(element, node.text, gettext_noop("script rejected: %(detail)s"))

    # -- tasks ---------------------------------------------------------------------------------------------
    def _check_user_task(self, element: Any) -> None:
        self._check_prepost(element)
        properties = {p.get("name"): p.get("value", "") for p in element.xpath(
            "./bpmn:extensionElements/camunda:properties/camunda:property"
            " | ./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)}
        due_in = (properties.get("due_in") or "").strip()
        if due_in:
            try:
                clock.parse_duration(due_in)
            except ValueError as exc:
                self.error(element, gettext_noop("property due_in: %(detail)s"), detail=str(exc))
        assignee = (properties.get("assignee") or "").strip()
        if assignee and not USER_TASK_ASSIGNEE.fullmatch(assignee):
            self.error(element, gettext_noop("property assignee must be responsible, team_lead or user:<id>, "
                                             "not %(value)r"), value=assignee)

    def _check_service_task(self, element: Any) -> None:
        self._check_prepost(element)
        operator_node = element.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if operator_node is None and element.get(f"{{{CAMUNDA_NS}}}topic"):
            operator_node = self._from_camunda(element)
        if operator_node is None:
            if any(element.get(f"{{{CAMUNDA_NS}}}{a}") for a in ("class", "expression", "delegateExpression")):
                self.error(element, gettext_noop("Java classes and expressions are not supported: choose a Podbor "
                                                 "operator"))
            else:
                self.error(element, gettext_noop("the service task has no operator (spiffworkflow:serviceTaskOperator "
                                       "or camunda:topic)"))
            return
        operator = operator_node.get("id") or ""
        result_variable = operator_node.get("resultVariable")
        if result_variable and not (result_variable.isidentifier() and not result_variable.startswith("_")):
            self.error(element, gettext_noop("resultVariable %(name)r is not a valid variable name"),
                       name=result_variable)
        spec = CATALOGUE.get(operator)
        values: dict[str, Any] = {}
        dynamic: set[str] = set()
        for node in operator_node.findall("spiffworkflow:parameters/spiffworkflow:parameter", NS):
            name, expression, declared = node.get("id"), node.get("value"), node.get("type")
            if not name or expression is None:
                self.error(element, gettext_noop("a parameter needs an id and a value"))
                continue
            param = spec.param(name) if spec else None
            if param is not None and declared is None:
                node.set("type", param.type)
            elif param is not None and declared != param.type:
                self.error(element, gettext_noop("%(operator)s: parameter %(param)r is declared %(declared)s, "
                                                 "expected %(type)s"),
                           operator=operator, param=name, declared=declared, type=param.type)
            elif declared is None:
                node.set("type", "any")
            if "${" in expression or "#{" in expression:
                self.error(element, gettext_noop("parameter %(param)r: JUEL/FEEL is not supported, write Python "
                                                 "or JSON"), param=name)
                continue
            if reason := check_expression(expression):
                self.error(element, gettext_noop("parameter %(param)r rejected: %(detail)s"), param=name, detail=reason)
                continue
            value = literal_value(expression)
            if value is DYNAMIC:
                dynamic.add(name)
            values[name] = None if value is DYNAMIC else value
        _clean, problems = validate_params(operator, values, dynamic=frozenset(dynamic))
        for template, params in problems:
            self.error(element, template, **params)

    def _from_camunda(self, element: Any) -> Any:
        """Rewrite a Camunda 7 external task (`camunda:topic` + input parameters) as a Podbor operator."""
        topic = element.get(f"{{{CAMUNDA_NS}}}topic")
        spec = CATALOGUE.get(topic)
        extensions = element.find("bpmn:extensionElements", NS)
        if extensions is None:
            extensions = etree.Element(f"{{{BPMN_NS}}}extensionElements")
            docs = element.findall("bpmn:documentation", NS)
            element.insert(len(docs), extensions)
        operator = etree.SubElement(extensions, f"{{{SPIFF_NS}}}serviceTaskOperator", id=topic)
        parameters = etree.SubElement(operator, f"{{{SPIFF_NS}}}parameters")
        for node in extensions.findall("camunda:inputOutput/camunda:inputParameter", NS):
            name = node.get("name") or ""
            param = spec.param(name) if spec else None
            try:
                value = _camunda_value(node, param.type if param else "any")
            except ValueError as exc:
                self.error(element, gettext_noop("parameter %(param)r: %(detail)s"), param=name, detail=str(exc))
                continue
            etree.SubElement(parameters, f"{{{SPIFF_NS}}}parameter", id=name, type=param.type if param else "any",
                             value=json.dumps(value, ensure_ascii=False))
        return operator

    CHECKS = {
        "task": _check_prepost, "scriptTask": _check_script_task, "sequenceFlow": _check_sequence_flow,
        "userTask": _check_user_task, "manualTask": _check_user_task, "serviceTask": _check_service_task,
        "receiveTask": _check_receive_task,
    }


def _camunda_value(node: Any, type_name: str) -> Any:
    """The literal value of a `camunda:inputParameter` (text, `camunda:list` or `camunda:map`)."""
    children = [c for c in node if isinstance(c.tag, str)]
    if children:
        kind = etree.QName(children[0]).localname
        if kind == "list":
            return [(v.text or "") for v in children[0] if etree.QName(v).localname == "value"]
        if kind == "map":
            return {e.get("key"): (e.text or "") for e in children[0] if etree.QName(e).localname == "entry"}
        raise ValueError(f"camunda:{kind} is not supported, write a literal value")
    text = node.text or ""
    if "${" in text or "#{" in text:
        raise ValueError("JUEL expressions are not supported in Camunda input parameters")
    if type_name == "str":
        return text
    if type_name == "int":
        return int(text.strip())
    if type_name == "float":
        return float(text.strip())
    if type_name == "bool":
        if text.strip() not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return text.strip() == "true"
    try:
        return json.loads(text)
    except ValueError:
        if type_name in ("list", "dict"):
            raise ValueError(f"{text!r} is not a JSON {type_name}") from None
        return text


def _bpmn_name(element: Any) -> str | None:
    """The local name of a BPMN-namespace element, or None for anything else (DI, extensions, comments)."""
    if not isinstance(element.tag, str):
        return None
    qname = etree.QName(element)
    return qname.localname if qname.namespace == BPMN_NS else None
