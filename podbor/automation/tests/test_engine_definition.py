"""Deploying diagrams: what the designer, Camunda Modeler 7 and bpmn.io write deploys; broken diagrams are refused
with the element id and a reason for every problem."""

import copy
import json

import pytest

from podbor.automation.engine import DefinitionInvalid, StateIncompatible, load_spec, parse_definition
from podbor.automation.tests.test_engine_helpers import BPMN_DIR, HEAD, TAIL, chain, diagram, script, service

pytestmark = []


def errors_of(xml) -> list[tuple[str, str]]:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(xml)
    for error in caught.value.errors:
        assert set(error) >= {"id", "tag", "reason", "line", "template", "params"}
        assert error["reason"] == (error["template"] % error["params"] if error["params"] else error["template"])
    return [(e["id"], e["reason"]) for e in caught.value.errors]


def test_podbor_designer_diagram_deploys_with_its_tasks_and_messages():
    parsed = parse_definition((BPMN_DIR / "podbor_followup.bpmn").read_bytes())

    assert (parsed.key, parsed.name) == ("candidate_followup", "Candidate follow-up")
    assert parsed.messages == ["candidate_replied"]
    assert parsed.start_messages == [] and parsed.start_timer is None
    services = {s["id"]: s for s in parsed.service_tasks}
    assert services["Activity_move"] == {"id": "Activity_move", "name": "Move to Qualification",
                                         "operator": "move_to_stage", "params": {"stage": '"Qualification"'},
                                         "result_variable": "move_result"}
    assert services["Activity_close"]["result_variable"] == "close_lost_result"
    [call] = parsed.user_tasks
    assert call | {"properties": None} == {
        "id": "Activity_call", "name": "Call the candidate", "type": "userTask", "kind": "call",
        "title": "Call back within the hour", "due_in": "PT1H", "assignee": "responsible", "properties": None,
        "checklist": ["Confirm the city", "Ask about shifts", "Book an interview"]}


def test_spec_is_json_and_loading_it_leaves_it_untouched():
    parsed = parse_definition((BPMN_DIR / "podbor_followup.bpmn").read_text(encoding="utf-8"))
    before = copy.deepcopy(parsed.spec)

    json.dumps(parsed.spec)
    load_spec(parsed.spec)
    load_spec(parsed.spec)

    assert parsed.spec == before
    assert parsed.spec["serializer_version"] == "1.5"


def test_camunda_modeler_7_export_deploys_as_exported():
    parsed = parse_definition((BPMN_DIR / "camunda7_screening.bpmn").read_bytes())

    assert parsed.key == "candidate_screening"
    [notify] = parsed.service_tasks
    assert notify["operator"] == "notify"
    assert json.loads(notify["params"]["users"]) == ["team_lead", "responsible"]
    assert json.loads(notify["params"]["text"]) == "The candidate has waited two hours"
    [call] = parsed.user_tasks
    assert (call["kind"], call["due_in"], call["checklist"]) == ("call", "PT2H", ["Greet", "Check the city",
                                                                                 "Offer a slot"])


def test_bpmn_io_export_deploys_although_saved_as_not_executable():
    parsed = parse_definition((BPMN_DIR / "bpmnio_export.bpmn").read_bytes())

    assert parsed.key == "Process_1"
    assert [t["id"] for t in parsed.user_tasks] == ["Activity_1q2w3e4"]


def test_timer_start_and_message_starts_are_reported_for_the_host():
    assert parse_definition((BPMN_DIR / "every_20_minutes.bpmn").read_bytes()).start_timer == "R/PT20M"
    triggers = parse_definition((BPMN_DIR / "stage_triggers.bpmn").read_bytes())
    assert triggers.start_messages == ["deal.created", "deal.entered_stage"]
    assert triggers.messages == ["deal.created", "deal.entered_stage"]


def test_bare_and_quoted_iso_timers_both_deploy():
    for text in ("PT90S", "'PT90S'", '"PT90S"', "pt90s"):
        timer = (f'<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDuration>{text}'
                 '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
        parse_definition(diagram(chain(timer)))


def test_camunda_literals_are_typed_by_the_catalogue():
    task = ('<bpmn:serviceTask id="H" camunda:type="external" camunda:topic="http_request"><bpmn:extensionElements>'
            '<camunda:inputOutput><camunda:inputParameter name="url">https://example.org/hook</camunda:inputParameter>'
            '<camunda:inputParameter name="timeout">15</camunda:inputParameter>'
            '<camunda:inputParameter name="headers"><camunda:map><camunda:entry key="X-Token">abc</camunda:entry>'
            '</camunda:map></camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>')

    [http] = parse_definition(diagram(chain(task))).service_tasks

    assert {k: json.loads(v) for k, v in http["params"].items()} == {
        "url": "https://example.org/hook", "timeout": 15, "headers": {"X-Token": "abc"}}


def test_stored_spec_from_another_serializer_version_asks_for_a_reparse():
    parsed = parse_definition(diagram(chain()))
    with pytest.raises(StateIncompatible):
        load_spec({**parsed.spec, "serializer_version": "1.4"})


TIMER = ('<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition><bpmn:{kind}>{text}</bpmn:{kind}>'
         '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
PROC = '<bpmn:process id="P" isExecutable="true">{}</bpmn:process>'
BAD = {
    "not XML": (b"<bpmn:definitions", "", "not XML"),
    "not BPMN": (b"<html><body/></html>", "", "not a BPMN 2.0 document"),
    "XXE": (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "",
            "DOCTYPE is not allowed"),
    "billion laughs": (b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>', "",
                       "DOCTYPE is not allowed"),
    "no process": (HEAD + TAIL, "", "no bpmn:process"),
    "no start event": (diagram('<bpmn:task id="T"/>'), "P", "the process has no start event"),
    "sub-process without start": (diagram(chain('<bpmn:subProcess id="SP"><bpmn:task id="in"/></bpmn:subProcess>')),
                                  "SP", "the sub-process has no start event"),
    "complex gateway": (diagram(chain('<bpmn:complexGateway id="CG"/>')), "CG",
                        "unsupported element bpmn:complexGateway"),
    "unreachable call activity": (diagram(chain() + '<bpmn:callActivity id="CA" calledElement="x"/>'), "CA",
                                  "call activities are not supported"),
    "loop on a task": (diagram(chain('<bpmn:task id="T"><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>')),
                       "T", "loops on a task are not supported"),
    "bad duration": (diagram(chain(TIMER.format(kind="timeDuration", text="PT90X"))), "T",
                     "bad timer timeDuration"),
    "cron cycle": (diagram(chain(TIMER.format(kind="timeCycle", text="0 0 9 * * ?"))), "T",
                   "cron expressions are not supported"),
    "date without offset": (diagram(chain(TIMER.format(kind="timeDate", text="2026-03-01T09:00:00"))), "T",
                            "has no UTC offset"),
    "JUEL timer": (diagram(chain(TIMER.format(kind="timeDuration", text="${sla}"))), "T", "JUEL"),
    "JUEL condition": (diagram('<bpmn:startEvent id="S"/><bpmn:endEvent id="E"/><bpmn:sequenceFlow id="s1" '
                               'sourceRef="S" targetRef="E"><bpmn:conditionExpression>${approved}'
                               '</bpmn:conditionExpression></bpmn:sequenceFlow>'), "s1", "JUEL/FEEL is not supported"),
    "JavaScript condition": (diagram('<bpmn:startEvent id="S"/><bpmn:endEvent id="E"/><bpmn:sequenceFlow id="s1" '
                                     'sourceRef="S" targetRef="E"><bpmn:conditionExpression language="javascript">'
                                     'x</bpmn:conditionExpression></bpmn:sequenceFlow>'), "s1",
                             "condition language 'javascript' is not supported"),
    "JavaScript script": (diagram(chain('<bpmn:scriptTask id="T" scriptFormat="javascript"><bpmn:script>x=1'
                                        '</bpmn:script></bpmn:scriptTask>')), "T", "script format 'javascript'"),
    "empty script": (diagram(chain('<bpmn:scriptTask id="T"/>')), "T", "the script task has no script"),
    "import in script": (diagram(chain(script("T", "import os"))), "T", "import is not allowed"),
    "dunder in script": (diagram(chain(script("T", "k = deal.__class__"))), "T", "invalid attribute name"),
    "syntax error": (diagram(chain(script("T", "x = = 1"))), "T", "syntax error on line 1"),
    "service without operator": (diagram(chain('<bpmn:serviceTask id="T"/>')), "T", "has no operator"),
    "Java delegate": (diagram(chain('<bpmn:serviceTask id="T" camunda:class="org.example.Mail"/>')), "T",
                      "Java classes and expressions are not supported"),
    "unknown operator": (diagram(chain(service("T", "launch_rocket"))), "T", "unknown operator 'launch_rocket'"),
    "missing parameter": (diagram(chain(service("T", "move_to_stage"))), "T",
                          "move_to_stage: missing parameter 'stage' (str)"),
    "mistyped declaration": (diagram(chain(service("T", "move_to_stage").replace(
        '<spiffworkflow:parameters>', '<spiffworkflow:parameters><spiffworkflow:parameter id="stage" type="int" '
        'value="3"/>'))), "T", "parameter 'stage' is declared int, expected str"),
    "literal of the wrong type": (diagram(chain(service("T", "move_to_stage", stage="3"))), "T",
                                  "parameter 'stage' must be str, not int"),
    "value not in choices": (diagram(chain(service("T", "send_message", channel="'fax'", text="'Hi'"))), "T",
                             "'channel' must be one of sms, email, whatsapp, telegram, not 'fax'"),
    "unknown parameter": (diagram(chain(service("T", "close_lost", reason="'x'", colour="'red'"))), "T",
                          "close_lost: unknown parameter 'colour'"),
    "bad parameter expression": (diagram(chain(service("T", "close_lost", reason="deal.__dict__"))), "T",
                                 "parameter 'reason' rejected"),
    "JUEL in a Camunda input": (diagram(chain(
        '<bpmn:serviceTask id="T" camunda:type="external" camunda:topic="close_lost"><bpmn:extensionElements>'
        '<camunda:inputOutput><camunda:inputParameter name="reason">${reason}</camunda:inputParameter>'
        '</camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>')), "T", "JUEL expressions"),
    "bad user task due_in": (diagram(chain(
        '<bpmn:userTask id="U"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
        'name="due_in" value="tomorrow"/></spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')),
        "U", "property due_in"),
    "throwing a message": (diagram(chain('<bpmn:intermediateThrowEvent id="M"><bpmn:messageEventDefinition '
                                         'messageRef="Msg"/></bpmn:intermediateThrowEvent>'),
                                   extra='<bpmn:message id="Msg" name="hello"/>'), "M", "throwing a message"),
    "message without a name": (diagram(chain('<bpmn:intermediateCatchEvent id="M"><bpmn:messageEventDefinition/>'
                                             '</bpmn:intermediateCatchEvent>')), "M", "bpmn:message with a name"),
    "conditional event": (diagram(chain('<bpmn:intermediateCatchEvent id="C"><bpmn:conditionalEventDefinition>'
                                        '<bpmn:condition>x</bpmn:condition></bpmn:conditionalEventDefinition>'
                                        '</bpmn:intermediateCatchEvent>')), "C", "conditionalEventDefinition"),
    "two executable processes": (HEAD + PROC.format(chain()) + PROC.replace('"P"', '"Q"').format(chain()) + TAIL,
                                 "P", "mark exactly one process as executable (found 2)"),
    "XSD violation": (diagram(chain('<bpmn:task id="T"><bpmn:bogus/></bpmn:task>')), "T", "bogus"),
}


@pytest.mark.parametrize("case", BAD)
def test_broken_diagram_is_refused_naming_the_element(case):
    xml, element_id, reason = BAD[case]

    found = errors_of(xml)

    assert any(error_id == element_id and reason in text for error_id, text in found), found


def test_every_problem_is_reported_at_once():
    body = chain(script("A", "import os"), '<bpmn:complexGateway id="B"/>', service("C", "move_to_stage"),
                 TIMER.format(kind="timeDuration", text="soon!"))

    found = errors_of(diagram(body))

    assert {error_id for error_id, _ in found} == {"A", "B", "C", "T"}


def test_errors_carry_the_line_of_the_element():
    xml = diagram("\n" + chain(script("A", "import os")).replace("<bpmn:scriptTask", "\n<bpmn:scriptTask"))

    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(xml)

    [error] = caught.value.errors
    assert (error["tag"], error["line"]) == ("scriptTask", 5)
