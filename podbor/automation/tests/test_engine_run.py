"""Running instances: script → gateway → service → user task → end, and the state saved between steps."""

import json
from datetime import timedelta

import pytest

from podbor.automation.engine import Instance, NotWaiting, StateIncompatible, load_spec, parse_definition
from podbor.automation.tests.test_engine_helpers import (
    BPMN_DIR,
    CONTEXT,
    T0,
    Recorder,
    chain,
    diagram,
    ids,
    load,
    script,
    start,
)

pytestmark = []


def test_big_deal_runs_script_gateway_service_and_waits_at_the_user_task():
    services = Recorder()

    instance = start(load("podbor_followup.bpmn"), services=services)

    assert instance.status == "waiting"
    assert services.calls[0][:3] == ("move_to_stage", {"stage": "Qualification"}, "Activity_move")
    variables = instance.variables()
    assert (variables["score"], variables["tags"], variables["priority"]) == (150, ["PYTHON", "REMOTE"], "high")
    assert variables["move_result"] == {"ok": True, "operator": "move_to_stage"}
    assert "deal" not in variables and "contact" not in variables
    assert ids(instance.history()) == ["StartEvent_1", "Activity_score", "Gateway_big", "Activity_move"]
    assert [(w["id"], w["state"]) for w in instance.waiting_at()] == [("Activity_call", "READY"),
                                                                       ("Timer_sla", "WAITING")]
    [task] = instance.user_tasks()
    assert task["element_id"] == "Activity_call"
    assert (task["kind"], task["title"], task["due_in"], task["assignee"]) == (
        "call", "Call back within the hour", "PT1H", "responsible")
    assert task["checklist"] == ["Confirm the city", "Ask about shifts", "Book an interview"]


def test_small_deal_takes_the_default_flow_to_the_end():
    services = Recorder()
    context = {**CONTEXT, "deal": {"id": 1, "amount": 5_000}}

    instance = Instance.start(load("podbor_followup.bpmn"), {}, context, services, now=T0)

    assert instance.status == "completed"
    assert services.calls[0][:2] == ("close_lost", {"reason": "Too small"})
    assert ids(instance.history())[-3:] == ["Gateway_big", "Activity_close", "End_small"]
    assert instance.next_timer_at() is None and instance.waiting_at() == []


def test_completing_the_user_task_feeds_the_next_gateway():
    instance = start(load("podbor_followup.bpmn"))
    [task] = instance.user_tasks()

    instance.complete_user_task(task["task_id"], {"call_result": "no"}, now=T0 + timedelta(seconds=30))

    assert instance.status == "completed"
    assert [(h["id"], h["state"]) for h in instance.history()][-4:] == [
        ("Activity_call", "COMPLETED"), ("Timer_sla", "CANCELLED"), ("Gateway_outcome", "COMPLETED"),
        ("End_lost", "COMPLETED")]
    assert instance.variables()["call_result"] == "no"


def test_a_task_that_is_not_ready_cannot_be_completed():
    instance = start(load("podbor_followup.bpmn"))
    [task] = instance.user_tasks()
    instance.complete_user_task(task["task_id"], {"call_result": "interested"}, now=T0 + timedelta(seconds=5))

    with pytest.raises(NotWaiting):
        instance.complete_user_task(task["task_id"], {}, now=T0 + timedelta(seconds=6))
    with pytest.raises(NotWaiting):
        instance.complete_user_task("not-a-uuid", {})


def test_a_due_sla_timer_wins_over_a_late_completion():
    instance = start(load("podbor_followup.bpmn"))
    [task] = instance.user_tasks()

    with pytest.raises(NotWaiting):
        instance.complete_user_task(task["task_id"], {"call_result": "interested"}, now=T0 + timedelta(minutes=5))

    assert ids(instance.history())[-2:] == ["Activity_notify_sla", "End_sla"]


def test_whole_follow_up_with_a_save_and_restore_between_every_step():
    parsed = parse_definition((BPMN_DIR / "podbor_followup.bpmn").read_bytes())
    services = Recorder()

    def reload(instance: Instance) -> Instance:
        state = json.loads(json.dumps(instance.state()))
        return Instance.restore(load_spec(parsed.spec), state, CONTEXT, services)

    instance = reload(Instance.start(parsed.load(), {"source": "hh.ru"}, CONTEXT, services, now=T0))
    instance.complete_user_task(instance.user_tasks()[0]["task_id"], {"call_result": "interested"},
                                now=T0 + timedelta(minutes=1))
    instance = reload(instance)
    assert ids(instance.waiting_at()) == ["Timer_wait"]
    assert instance.next_timer_at() == T0 + timedelta(minutes=1, days=1)

    instance.advance(now=T0 + timedelta(days=1, minutes=2))
    instance = reload(instance)
    assert instance.waiting_messages() == ["candidate_replied"]

    instance.send_message("candidate_replied", {"text": "Yes, call me at 5"}, now=T0 + timedelta(days=2))
    instance = reload(instance)

    assert instance.status == "completed"
    assert instance.variables()["reply_len"] == 17
    assert instance.variables()["source"] == "hh.ru"
    assert ids(instance.history()) == [
        "StartEvent_1", "Activity_score", "Gateway_big", "Activity_move", "Activity_call", "Timer_sla",
        "Gateway_outcome", "Timer_wait", "Wait_reply", "Activity_read", "End_ok"]


def test_state_holds_no_spec_and_stays_small():
    instance = start(load("podbor_followup.bpmn"))

    state = instance.state()

    text = json.dumps(state)
    assert "spec" not in state["workflow"] and "subprocess_specs" not in state["workflow"]
    assert "priority == 'high'" not in text          # conditions live in the spec only
    assert len(text) < 10_000


def test_state_is_refused_by_another_definition_or_format():
    state = start(load("podbor_followup.bpmn")).state()
    other = load(diagram(chain(), process_id="other"))

    with pytest.raises(StateIncompatible):
        Instance.restore(other, state, CONTEXT, Recorder())
    with pytest.raises(StateIncompatible):
        Instance.restore(load("podbor_followup.bpmn"), {**state, "format": "v0"}, CONTEXT, Recorder())


def test_camunda_export_runs_with_its_topics_and_properties():
    services = Recorder()
    spec = load("camunda7_screening.bpmn")

    instance = start(spec, services=services)
    [task] = instance.user_tasks()
    assert (task["kind"], task["checklist"]) == ("call", ["Greet", "Check the city", "Offer a slot"])

    instance.advance(now=T0 + timedelta(hours=2, seconds=1))   # the non-interrupting reminder fires

    assert services.calls[-1][:3] == ("notify", {"users": ["team_lead", "responsible"],
                                                 "text": "The candidate has waited two hours"}, "Activity_notify")
    assert ids(instance.user_tasks(), "element_id") == ["Activity_call"]
    instance.complete_user_task(task["task_id"], {"call_result": "interested"})
    assert instance.status == "completed"


def test_bpmn_io_export_runs():
    spec = load("bpmnio_export.bpmn")

    by_telegram = Instance.start(spec, {}, {"contact": {"telegram": "@anna"}}, Recorder())
    by_hand = Instance.start(spec, {}, {"contact": {}}, Recorder())

    assert by_telegram.status == "completed" and by_telegram.variables()["channel"] == "telegram"
    assert by_hand.status == "waiting" and ids(by_hand.user_tasks(), "element_id") == ["Activity_1q2w3e4"]


def test_start_variables_are_visible_to_scripts_and_must_be_json():
    spec = load(diagram(chain(script("A", "total = base * 2"))))

    assert start(spec, {"base": 21}).variables()["total"] == 42
    with pytest.raises(TypeError):
        start(spec, {"base": {1, 2}})


def test_parallel_branches_both_run_and_join():
    body = ('<bpmn:startEvent id="S"/><bpmn:parallelGateway id="Fork"/><bpmn:parallelGateway id="Join"/>'
            '<bpmn:endEvent id="E"/>' + script("A", "a = 1") + script("B", "b = 2")
            + "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"/>' for i, (s, t) in enumerate(
                [("S", "Fork"), ("Fork", "A"), ("Fork", "B"), ("A", "Join"), ("B", "Join"), ("Join", "E")])))

    instance = start(load(diagram(body)))

    assert instance.status == "completed"
    assert {"a": 1, "b": 2}.items() <= instance.variables().items()


def test_cancel_stops_everything():
    instance = start(load("podbor_followup.bpmn"))

    instance.cancel()

    assert instance.status == "cancelled"
    assert instance.user_tasks() == [] and instance.next_timer_at() is None and instance.waiting_messages() == []
    restored = Instance.restore(load("podbor_followup.bpmn"), instance.state(), CONTEXT, Recorder())
    assert restored.status == "cancelled"
