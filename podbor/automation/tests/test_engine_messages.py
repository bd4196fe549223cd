"""Messages: a waiting instance receives a named message with its payload; message start events are triggers."""

from datetime import timedelta

import pytest

from podbor.automation.engine import DefinitionInvalid, EngineError, Instance, NotWaiting, parse_definition
from podbor.automation.tests.test_engine_helpers import (
    CONTEXT,
    T0,
    Recorder,
    chain,
    diagram,
    ids,
    load,
    service,
    start,
)

pytestmark = []
REPLY = '<bpmn:message id="M" name="candidate_replied"/>'


def catch(element_id: str = "Wait") -> str:
    return (f'<bpmn:intermediateCatchEvent id="{element_id}"><bpmn:messageEventDefinition messageRef="M"/>'
            '</bpmn:intermediateCatchEvent>')


def test_message_catch_puts_the_payload_in_a_variable_named_after_the_message():
    spec = load(diagram(chain(catch(), '<bpmn:scriptTask id="Read"><bpmn:script>words = '
                              'len(candidate_replied["text"].split())</bpmn:script></bpmn:scriptTask>'), extra=REPLY))
    instance = start(spec)
    assert instance.waiting_messages() == ["candidate_replied"]

    instance.send_message("candidate_replied", {"text": "Yes, call me at five", "channel": "telegram"})

    assert instance.status == "completed"
    assert instance.variables()["candidate_replied"] == {"text": "Yes, call me at five", "channel": "telegram"}
    assert instance.variables()["words"] == 5


def test_message_variable_written_by_the_designer_is_kept():
    event = catch().replace('messageRef="M"/>', 'messageRef="M"><bpmn:extensionElements><spiffworkflow:'
                            'messageVariable>reply</spiffworkflow:messageVariable></bpmn:extensionElements>'
                            '</bpmn:messageEventDefinition>')
    instance = start(load(diagram(chain(event), extra=REPLY)))

    instance.send_message("candidate_replied", {"text": "ok"})

    assert instance.variables()["reply"] == {"text": "ok"}


def test_an_unexpected_message_is_refused():
    instance = start(load("podbor_followup.bpmn"))   # waits for a call first, not for the reply

    with pytest.raises(NotWaiting):
        instance.send_message("candidate_replied", {"text": "hi"}, now=T0 + timedelta(seconds=1))
    with pytest.raises(NotWaiting):
        instance.send_message("offer_accepted", {}, now=T0 + timedelta(seconds=1))
    assert instance.status == "waiting"


def test_message_payload_must_be_json():
    instance = start(load(diagram(chain(catch()), extra=REPLY)))

    with pytest.raises(TypeError):
        instance.send_message("candidate_replied", {"when": T0})


def test_interrupting_message_boundary_cancels_the_user_task():
    body = chain('<bpmn:userTask id="Call"/>') + (
        '<bpmn:boundaryEvent id="Replied" attachedToRef="Call"><bpmn:messageEventDefinition messageRef="M"/>'
        '</bpmn:boundaryEvent><bpmn:endEvent id="E2"/><bpmn:sequenceFlow id="b" sourceRef="Replied" targetRef="E2"/>')
    instance = start(load(diagram(body, extra=REPLY)))

    instance.send_message("candidate_replied", {"text": "no need to call"})

    assert instance.status == "completed"
    assert ("Call", "CANCELLED") in [(h["id"], h["state"]) for h in instance.history()]


def test_a_message_start_event_is_a_trigger_with_its_payload():
    spec = load("stage_triggers.bpmn")

    instance = Instance.start(spec, {}, CONTEXT, Recorder(), start_message="deal.entered_stage",
                              payload={"stage": "Interview"}, now=T0)

    assert instance.status == "completed"
    assert instance.variables()["deal_entered_stage"] == {"stage": "Interview"}
    states = {h["id"]: h["state"] for h in instance.history()}
    assert states["Start_entered"] == "COMPLETED"
    assert states["Start_manual"] == states["Start_created"] == "CANCELLED"
    assert ids(instance.history())[-2:] == ["Activity_note", "End_1"]


def test_without_a_trigger_the_none_start_event_runs_alone():
    instance = start(load("stage_triggers.bpmn"))

    assert instance.status == "completed"
    assert {h["id"]: h["state"] for h in instance.history()}["Start_manual"] == "COMPLETED"
    assert "deal_entered_stage" not in instance.variables()


def test_a_diagram_with_only_a_message_start_waits_for_it():
    body = ('<bpmn:startEvent id="S"><bpmn:messageEventDefinition messageRef="M"/></bpmn:startEvent>'
            '<bpmn:endEvent id="E"/><bpmn:sequenceFlow id="f" sourceRef="S" targetRef="E"/>')
    instance = start(load(diagram(body, extra=REPLY)))

    assert instance.waiting_messages() == ["candidate_replied"]
    instance.send_message("candidate_replied", {"text": "hi"})
    assert instance.status == "completed"


def test_starting_with_an_unknown_trigger_is_an_error():
    with pytest.raises(EngineError):
        start(load("stage_triggers.bpmn"), start_message="deal.won")


def test_receive_task_waits_for_its_message():
    instance = start(load(diagram(chain('<bpmn:receiveTask id="R" messageRef="M"/>'), extra=REPLY)))

    assert [(w["id"], w["state"]) for w in instance.waiting_at()] == [("R", "WAITING")]
    instance.send_message("candidate_replied", {"text": "hi"})
    assert instance.status == "completed"


def test_a_non_interrupting_event_sub_process_handles_a_message_at_any_time():
    handler = ('<bpmn:subProcess id="Replied" triggeredByEvent="true"><bpmn:startEvent id="RS" isInterrupting="false">'
               '<bpmn:messageEventDefinition messageRef="M"/></bpmn:startEvent>'
               + service("Tell", "notify", text="candidate_replied['text']") + '<bpmn:endEvent id="RE"/>'
               '<bpmn:sequenceFlow id="r1" sourceRef="RS" targetRef="Tell"/><bpmn:sequenceFlow id="r2" '
               'sourceRef="Tell" targetRef="RE"/></bpmn:subProcess>')
    services = Recorder()
    instance = start(load(diagram(chain('<bpmn:userTask id="Call"/>') + handler, extra=REPLY)), services=services)
    assert instance.waiting_messages() == ["candidate_replied"]

    instance.send_message("candidate_replied", {"text": "call me at five"})

    assert services.calls[-1][:2] == ("notify", {"users": ["responsible"], "text": "call me at five"})
    assert ids(instance.user_tasks(), "element_id") == ["Call"]
    assert instance.waiting_messages() == ["candidate_replied"]


def test_an_interrupting_event_sub_process_is_refused():
    handler = ('<bpmn:subProcess id="Replied" triggeredByEvent="true"><bpmn:startEvent id="RS">'
               '<bpmn:messageEventDefinition messageRef="M"/></bpmn:startEvent><bpmn:endEvent id="RE"/>'
               '<bpmn:sequenceFlow id="r1" sourceRef="RS" targetRef="RE"/></bpmn:subProcess>')

    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(diagram(chain('<bpmn:userTask id="Call"/>') + handler, extra=REPLY))

    assert caught.value.errors[0]["id"] == "RS"
