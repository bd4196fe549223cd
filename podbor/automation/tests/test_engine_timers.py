"""Timers: due times computed from the host's `now`, fired only once due; cycle starts scheduled by the host."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from podbor.automation.engine import EngineError, Instance, NotWaiting, clock_at, parse_definition
from podbor.automation.engine.clock import now as engine_now
from podbor.automation.tests.test_engine_helpers import (
    BPMN_DIR,
    CONTEXT,
    T0,
    Recorder,
    chain,
    diagram,
    ids,
    load,
    start,
)

pytestmark = []
SLA = T0 + timedelta(seconds=90)


def timer(element_id: str, kind: str, text: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{element_id}"><bpmn:timerEventDefinition><bpmn:{kind}>{text}'
            f'</bpmn:{kind}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


def test_boundary_timer_is_due_90_seconds_after_the_user_task_became_ready():
    instance = start(load("podbor_followup.bpmn"))

    assert instance.timers() == [("Timer_sla", SLA)]
    assert instance.next_timer_at() == SLA


def test_boundary_timer_does_not_fire_before_it_is_due():
    services = Recorder()
    instance = start(load("podbor_followup.bpmn"), services=services)

    instance.advance(now=SLA - timedelta(seconds=1))

    assert [(w["id"], w["state"]) for w in instance.waiting_at()] == [("Activity_call", "READY"),
                                                                       ("Timer_sla", "WAITING")]
    assert services.operators() == ["move_to_stage"]


def test_boundary_timer_fires_once_due_and_interrupts_the_user_task():
    services = Recorder()
    instance = start(load("podbor_followup.bpmn"), services=services)
    restored = Instance.restore(load("podbor_followup.bpmn"), instance.state(), CONTEXT, services)

    restored.advance(now=SLA + timedelta(seconds=1))

    assert restored.status == "completed"
    assert services.calls[-1][:3] == ("notify", {"users": ["team_lead"], "text": "No call yet: Anna"},
                                      "Activity_notify_sla")
    assert [(h["id"], h["state"]) for h in restored.history()][-4:] == [
        ("Timer_sla", "COMPLETED"), ("Activity_call", "CANCELLED"), ("Activity_notify_sla", "COMPLETED"),
        ("End_sla", "COMPLETED")]
    assert restored.user_tasks() == []


def test_history_is_stamped_with_the_hosts_time():
    instance = start(load("podbor_followup.bpmn"))
    instance.advance(now=SLA + timedelta(seconds=1))

    stamps = {h["id"]: h["at"] for h in instance.history()}

    assert T0 <= stamps["Activity_move"] < T0 + timedelta(seconds=1)
    assert SLA + timedelta(seconds=1) <= stamps["End_sla"] < SLA + timedelta(seconds=2)


def test_intermediate_timer_waits_then_continues():
    spec = load(diagram(chain(timer("Wait", "timeDuration", "P1D"), timer("Later", "timeDuration", "'PT30M'"))))

    instance = start(spec)
    assert instance.timers() == [("Wait", T0 + timedelta(days=1))]

    instance.advance(now=T0 + timedelta(hours=23))
    assert ids(instance.waiting_at()) == ["Wait"]

    instance.advance(now=T0 + timedelta(days=1))
    assert instance.timers() == [("Later", T0 + timedelta(days=1, minutes=30))]

    instance.advance(now=T0 + timedelta(days=2))
    assert instance.status == "completed"


def test_timer_from_a_variable_and_a_fixed_date():
    spec = load(diagram(chain(timer("A", "timeDuration", "sla"), timer("B", "timeDate", "2021-03-05T10:00:00+03:00"))))

    instance = start(spec, {"sla": "PT2H"})
    assert instance.timers() == [("A", T0 + timedelta(hours=2))]

    instance.advance(now=T0 + timedelta(hours=3))

    assert instance.timers() == [("B", datetime(2021, 3, 5, 7, 0, tzinfo=UTC))]


def test_advance_without_now_uses_the_wall_clock():
    instance = start(load("podbor_followup.bpmn"))   # started in 2021: long overdue by the wall clock

    instance.advance()

    assert instance.status == "completed"


def test_event_based_gateway_reports_its_timer_and_takes_the_first_event():
    body = ('<bpmn:startEvent id="S"/><bpmn:eventBasedGateway id="G"/>' + timer("Tmr", "timeDuration", "P2D")
            + '<bpmn:intermediateCatchEvent id="Msg"><bpmn:messageEventDefinition messageRef="M"/>'
            '</bpmn:intermediateCatchEvent><bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/>'
            + "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"/>' for i, (s, t) in enumerate(
                [("S", "G"), ("G", "Tmr"), ("G", "Msg"), ("Tmr", "E1"), ("Msg", "E2")])))
    spec = load(diagram(body, extra='<bpmn:message id="M" name="candidate_replied"/>'))

    by_timer = start(spec)
    assert by_timer.timers() == [("G", T0 + timedelta(days=2))]
    assert by_timer.waiting_messages() == ["candidate_replied"]
    by_timer.advance(now=T0 + timedelta(days=2, seconds=1))
    by_message = start(spec)
    by_message.send_message("candidate_replied", {"text": "hi"}, now=T0 + timedelta(days=1))
    too_late = start(spec)
    with pytest.raises(NotWaiting):   # the timer was due before the reply came: it won
        too_late.send_message("candidate_replied", {"text": "hi"}, now=T0 + timedelta(days=3))

    assert ids(by_timer.history()) == ["S", "G", "Tmr", "E1"]
    assert ids(by_message.history()) == ["S", "G", "Msg", "E2"]
    assert by_message.variables()["candidate_replied"] == {"text": "hi"}


def test_host_starts_one_instance_per_tick_of_a_cycle_start():
    parsed = parse_definition((BPMN_DIR / "every_20_minutes.bpmn").read_bytes())
    services = Recorder()

    ticks = [Instance.start(parsed.load(), {}, {}, services, fire_start_timer=True, now=T0 + timedelta(minutes=m))
             for m in (0, 20)]

    assert parsed.start_timer == "R/PT20M"
    assert [t.status for t in ticks] == ["completed", "completed"]
    assert services.operators() == ["notify", "notify"]
    assert {(h["id"], h["state"]) for h in ticks[0].history()} == {
        ("Start_cycle", "COMPLETED"), ("Activity_notify", "COMPLETED"), ("End_1", "COMPLETED")}


def test_a_cycle_start_left_to_the_engine_waits_one_period():
    spec = load("every_20_minutes.bpmn")

    instance = start(spec)

    assert instance.timers() == [("Start_cycle", T0 + timedelta(minutes=20))]
    with pytest.raises(EngineError):
        start(load("podbor_followup.bpmn"), fire_start_timer=True)


def test_clock_is_per_thread_and_restored_after_use():
    seen = {}

    def other_thread() -> None:
        seen["other"] = engine_now()

    with clock_at(T0):
        worker = threading.Thread(target=other_thread)
        worker.start()
        worker.join()
        seen["here"] = engine_now()

    assert seen["here"] == T0
    assert seen["other"] > T0 + timedelta(days=365)
    assert engine_now() > T0 + timedelta(days=365)
    with pytest.raises(ValueError):
        clock_at(datetime(2021, 1, 1)).__enter__()


def test_timers_and_user_tasks_inside_a_sub_process():
    inner = ('<bpmn:subProcess id="SP"><bpmn:startEvent id="s1"/><bpmn:userTask id="U"/><bpmn:endEvent id="e1"/>'
             '<bpmn:boundaryEvent id="Late" attachedToRef="U"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1M'
             '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent><bpmn:endEvent id="e2"/>'
             '<bpmn:sequenceFlow id="i1" sourceRef="s1" targetRef="U"/><bpmn:sequenceFlow id="i2" sourceRef="U" '
             'targetRef="e1"/><bpmn:sequenceFlow id="i3" sourceRef="Late" targetRef="e2"/></bpmn:subProcess>')
    spec = load(diagram(chain(inner)))
    instance = start(spec)
    assert ids(instance.user_tasks(), "element_id") == ["U"]
    assert instance.timers() == [("Late", T0 + timedelta(minutes=1))]

    restored = Instance.restore(spec, instance.state(), CONTEXT, Recorder())
    restored.advance(now=T0 + timedelta(minutes=2))

    assert restored.status == "completed"
    assert ("U", "CANCELLED") in [(h["id"], h["state"]) for h in restored.history()]
