"""The sandbox: diagram code sees process variables and read-only context, nothing else, and cannot loop forever.
Refused at deploy where the code shows it, and at run time in any case."""

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from podbor.automation.engine import DefinitionInvalid, Instance, StepBudgetExceeded, parse_definition
from podbor.automation.engine.sandbox import RestrictedEnvironment
from podbor.automation.engine.script_engine import PodborScriptEngine
from podbor.automation.engine.specs import SERIALIZER
from podbor.automation.tests.test_engine_helpers import CONTEXT, DEAL, Recorder, chain, diagram, load, script, start

pytestmark = []


def run(source: str, variables: dict | None = None) -> Instance:
    return start(load(diagram(chain(script("Code", source)))), variables)


def refused_at_deploy(source: str) -> str:
    with pytest.raises(DefinitionInvalid) as caught:
        parse_definition(diagram(chain(script("Code", source))))
    [error] = caught.value.errors
    assert error["id"] == "Code"
    return error["reason"]


@pytest.mark.parametrize("source", ["import os", "from os import path", "x = __import__('os')",
                                    "k = deal.__class__.__mro__", "class Evil: pass", "global x\nx = 1"])
def test_imports_dunders_and_classes_are_refused_at_deploy(source):
    assert refused_at_deploy(source)


@pytest.mark.parametrize(("source", "error_type"), [
    ("import os", "ImportError"),
    ("data = open('/etc/passwd').read()", "NameError"),
    ("f = getattr(deal, 'keys')", "NameError"),
    ("e = eval('1')", "SyntaxError"),
    ("raise SystemExit(1)", "NameError"),
    ("t = type(deal)", "NameError"),
    ("s = 'a{}'.format(1)", "NotImplementedError"),
    ("while True:\n    pass", "StepBudgetExceeded"),
    ("x = 0\nwhile True:\n    try:\n        x += 1\n    except Exception:\n        pass", "StepBudgetExceeded"),
    ("r = list(range(10 ** 6))", "ValueError"),
])
def test_escapes_and_endless_loops_fail_as_incidents_at_run_time(source, error_type):
    environment = RestrictedEnvironment(CONTEXT, max_lines=5_000)
    with pytest.raises(Exception) as caught:
        environment.execute(source, {})
    assert type(caught.value).__name__ == error_type


def test_endless_loop_in_a_diagram_is_an_incident_not_a_hang():
    instance = run("n = 0\nwhile True:\n    n += 1")

    assert (instance.incident["element_id"], instance.incident["type"]) == ("Code", "StepBudgetExceeded")


def test_open_in_a_diagram_is_an_incident():
    instance = run("data = open('/etc/passwd').read()")

    assert (instance.incident["element_id"], instance.incident["type"]) == ("Code", "NameError")


def test_scripts_read_context_and_variables_but_cannot_change_the_context():
    instance = run("deal['amount'] = 0\ncontact['tags'].append('x')\nseen = deal['amount']", {"base": 1})

    assert instance.status == "completed"
    assert instance.variables()["seen"] == 0                      # the script's own copy
    assert DEAL["amount"] == 150_000 and CONTEXT["contact"]["tags"] == ["python", "remote"]
    again = run("seen = deal['amount']")
    assert again.variables()["seen"] == 150_000
    assert "deal" not in again.variables()


def test_rebinding_a_context_name_is_an_incident():
    instance = run("deal = {'amount': 0}")

    assert (instance.incident["type"], instance.incident["element_id"]) == ("TypeError", "Code")
    assert "read-only" in instance.incident["message"]


def test_new_variables_must_be_json():
    instance = run("tags = {'a', 'b'}")

    assert instance.incident["type"] == "TypeError"
    assert "'tags' is not JSON-serialisable (set)" in instance.incident["message"]


def test_json_friendly_values_are_kept_and_functions_are_not():
    instance = run("def double(x):\n    return x * 2\npair = (1, 2)\nn = double(21)\ndel base", {"base": 1})

    variables = instance.variables()
    assert (variables["pair"], variables["n"]) == ([1, 2], 42)
    assert "double" not in variables and "base" not in variables


def test_json_literals_are_valid_expressions():
    environment = RestrictedEnvironment({})

    assert environment.evaluate('{"ok": true, "none": null, "list": [false]}', {}) == {
        "ok": True, "none": None, "list": [False]}


def test_restored_instances_always_run_in_the_sandbox():
    spec = load(diagram(chain('<bpmn:userTask id="U"/>', script("Code", "x = 1"))))
    state = start(spec).state()

    restored = Instance.restore(spec, state, CONTEXT, Recorder())

    assert isinstance(restored.workflow.script_engine, PodborScriptEngine)
    with pytest.raises(TypeError):
        SERIALIZER.from_dict(state["workflow"], spec=spec.spec, subprocess_specs={},
                             script_engine=PythonScriptEngine())


def test_a_workflow_given_the_stock_engine_refuses_to_call_services():
    spec = load(diagram(chain('<bpmn:userTask id="U"/>', '<bpmn:serviceTask id="Svc"><bpmn:extensionElements>'
                              '<spiffworkflow:serviceTaskOperator id="close_lost"><spiffworkflow:parameters>'
                              '<spiffworkflow:parameter id="reason" value="\'x\'"/></spiffworkflow:parameters>'
                              '</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>')))
    instance = start(spec)
    instance.workflow.script_engine = PythonScriptEngine()

    instance.complete_user_task(instance.user_tasks()[0]["task_id"], {})

    assert "sandboxed script engine is not attached" in instance.incident["message"]


def test_line_budget_is_per_call_and_configurable():
    environment = RestrictedEnvironment({}, max_lines=50)
    environment.execute("for i in range(10):\n    x = i", {})

    with pytest.raises(StepBudgetExceeded):
        environment.execute("for i in range(100):\n    x = i", {})
