"""Failures: a failing script, condition, timer or service leaves an incident naming the element; `retry()` resumes.
A service asking to be called later (`ServiceRetry`) keeps the instance resumable."""

from datetime import timedelta

from podbor.automation.engine import Instance
from podbor.automation.tests.test_engine_helpers import (
    CONTEXT,
    T0,
    Recorder,
    chain,
    diagram,
    ids,
    load,
    script,
    service,
    start,
)

pytestmark = []
DIVIDE = diagram(chain(script("Divide", "a = 1\nshare = deal['amount'] / parts")))


def test_script_error_is_an_incident_with_the_element_and_line():
    instance = start(load(DIVIDE), {"parts": 0})

    assert instance.status == "incident"
    assert instance.incident | {"message": None, "task_id": None} == {
        "element_id": "Divide", "type": "ZeroDivisionError", "line": 2, "message": None, "task_id": None}
    assert "division by zero" in instance.incident["message"]
    assert [(w["id"], w["state"]) for w in instance.waiting_at()] == [("Divide", "ERROR")]


def test_incident_survives_save_and_retry_after_fixing_the_variable_finishes():
    spec = load(DIVIDE)
    failed = start(spec, {"parts": 0})
    restored = Instance.restore(spec, failed.state(), CONTEXT, Recorder())
    assert restored.status == "incident" and restored.incident == failed.incident

    restored.retry(variables={"parts": 3})

    assert restored.status == "completed" and restored.incident is None
    assert restored.variables()["share"] == 50_000


def test_retry_without_a_fix_fails_again():
    instance = start(load(DIVIDE), {"parts": 0})

    instance.retry()

    assert instance.status == "incident" and instance.incident["element_id"] == "Divide"


def test_gateway_without_a_matching_condition_is_an_incident():
    body = ('<bpmn:startEvent id="S"/><bpmn:exclusiveGateway id="G"/><bpmn:endEvent id="E"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="G"/><bpmn:sequenceFlow id="f2" sourceRef="G" '
            'targetRef="E"><bpmn:conditionExpression>score &gt; 10</bpmn:conditionExpression></bpmn:sequenceFlow>')
    instance = start(load(diagram(body)), {"score": 1})

    assert (instance.status, instance.incident["element_id"]) == ("incident", "G")
    assert "No conditions satisfied" in instance.incident["message"]

    instance.retry(variables={"score": 11})
    assert instance.status == "completed"


def test_condition_on_a_missing_variable_names_the_gateway():
    instance = start(load("podbor_followup.bpmn"))
    instance.complete_user_task(instance.user_tasks()[0]["task_id"], {}, now=T0 + timedelta(seconds=10))

    assert (instance.incident["element_id"], instance.incident["type"]) == ("Gateway_outcome", "NameError")


def test_failing_service_is_an_incident_and_a_retry_calls_it_again_with_the_same_task_id():
    services = Recorder()
    services.fail["move_to_stage"] = RuntimeError("stage does not exist")
    spec = load(diagram(chain(service("Move", "move_to_stage", stage="'Offer'"))))

    instance = start(spec, services=services)
    assert instance.incident | {"task_id": None} == {
        "element_id": "Move", "type": "RuntimeError", "line": None, "task_id": None,
        "message": "move_to_stage failed: stage does not exist"}

    del services.fail["move_to_stage"]
    instance.retry()

    assert instance.status == "completed"
    first, second = services.calls
    assert first[3] == second[3] == instance.history()[1]["task_id"]


def test_parameter_of_the_wrong_type_at_run_time_is_an_incident():
    services = Recorder()
    spec = load(diagram(chain(service("Move", "move_to_stage", stage="stage_id"))))

    instance = start(spec, {"stage_id": 7}, services=services)

    assert (instance.incident["element_id"], instance.incident["type"]) == ("Move", "ParamError")
    assert "'stage' must be str, not int" in instance.incident["message"]
    assert services.calls == []


def test_service_retry_leaves_the_task_waiting_until_retry_at():
    services = Recorder()
    services.retry["move_to_stage"] = [30]
    spec = load(diagram(chain(service("Move", "move_to_stage", stage="'Offer'"))))

    instance = start(spec, services=services)
    assert instance.status == "waiting" and instance.incident is None
    assert instance.retry_at == instance.next_timer_at() == T0 + timedelta(seconds=30)
    assert [(w["id"], w["state"]) for w in instance.waiting_at()] == [("Move", "STARTED")]

    instance = Instance.restore(spec, instance.state(), CONTEXT, services)
    instance.advance(now=T0 + timedelta(seconds=10))
    assert len(services.calls) == 1

    instance.advance(now=T0 + timedelta(seconds=31))
    assert instance.status == "completed"
    assert instance.variables()["move_to_stage_result"] == {"ok": True, "operator": "move_to_stage"}
    assert services.calls[0][3] == services.calls[1][3]


def test_a_service_can_ask_for_several_retries_and_retry_forces_one_now():
    services = Recorder()
    services.retry["notify"] = [60, 60]
    spec = load(diagram(chain(service("Tell", "notify", text="'hi'"))))
    instance = start(spec, services=services)

    instance.advance(now=T0 + timedelta(seconds=61))
    assert instance.retry_at == T0 + timedelta(seconds=121)

    instance.retry(now=T0 + timedelta(seconds=62))
    assert instance.status == "completed" and len(services.calls) == 3


def test_a_timer_expression_that_fails_is_an_incident_on_the_timer():
    timer = ('<bpmn:intermediateCatchEvent id="Wait"><bpmn:timerEventDefinition><bpmn:timeDuration>sla'
             '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    instance = start(load(diagram(chain(timer))))
    assert (instance.incident["element_id"], instance.incident["type"]) == ("Wait", "NameError")

    instance.retry(variables={"sla": "PT10M"}, now=T0 + timedelta(minutes=1))

    assert instance.status == "waiting"
    assert instance.timers() == [("Wait", T0 + timedelta(minutes=11))]


def test_a_loop_drawn_in_the_diagram_ends_in_an_incident():
    body = ('<bpmn:startEvent id="S"/>' + script("Count", "n = n + 1") + '<bpmn:exclusiveGateway id="G"/>'
            '<bpmn:endEvent id="E"/><bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Count"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="Count" targetRef="G"/>'
            '<bpmn:sequenceFlow id="back" sourceRef="G" targetRef="Count"><bpmn:conditionExpression>n &gt; 0'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="out" sourceRef="G" targetRef="E"><bpmn:conditionExpression>n &lt;= 0'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')

    instance = start(load(diagram(body)), {"n": 0}, max_steps=200)

    assert instance.incident["type"] == "StepBudgetExceeded"
    assert instance.incident["element_id"] in {"Count", "G"}


def test_incident_does_not_stop_other_branches():
    body = ('<bpmn:startEvent id="S"/><bpmn:parallelGateway id="Fork"/>' + script("Bad", "x = 1 / 0")
            + '<bpmn:userTask id="Call"/><bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/>'
            + "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"/>' for i, (s, t) in enumerate(
                [("S", "Fork"), ("Fork", "Bad"), ("Fork", "Call"), ("Bad", "E1"), ("Call", "E2")])))

    instance = start(load(diagram(body)))

    assert instance.status == "incident"
    assert ids(instance.user_tasks(), "element_id") == ["Call"]
