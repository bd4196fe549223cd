"""Size limits in the sandbox: an operation whose result would explode (a huge power, repetition or shift, a giant
format width) is refused before it runs with a clear script error, so the step fails like any failing script
(retries, then an incident) instead of holding the worker for minutes or eating its memory. Normal arithmetic and
string work stay as they were."""

import datetime
from xml.sax.saxutils import escape

import pytest

from podbor.automation.engine import ScriptLimitExceeded
from podbor.automation.engine.limits import MAX_INT_BITS, MAX_ITEMS
from podbor.automation.engine.sandbox import RestrictedEnvironment
from podbor.automation.tests.test_engine_helpers import CONTEXT, chain, diagram, load, script, start

pytestmark = []
EXPLODING = [
    "x = 10 ** 10 ** 8",
    "x = pow(10, 10 ** 8)",
    "x = 2\nx **= 10 ** 8",
    "x = 'a' * 10 ** 9",
    "x = 10 ** 9 * 'a'",
    "x = 'a'\nx *= 10 ** 9",
    "x = [0] * 10 ** 9",
    "x = [0]\nx *= 10 ** 9",
    "x = (1, 2) * 10 ** 9",
    "x = b'ab' * 10 ** 9",
    "x = (2 ** 60000) * (2 ** 60000)",
    "x = 1 << 10 ** 10",
    "x = 1\nx <<= 10 ** 10",
    "x = f'{1:>999999999}'",
    "w = 10 ** 9\nx = f'{1:>{w}}'",
    "x = f'{1.5:.999999999f}'",
    "x = '%999999999d' % 1",
    "x = '%*d' % (10 ** 9, 1)",
    "x = 'a'.ljust(10 ** 9)",
    "x = 'a'.zfill(10 ** 9)",
    "x = ('a' * 1000).replace('a', 'b' * 10000)",
    "x = 'a\\t' * 1000\ny = x.expandtabs(10 ** 6)",
]


@pytest.mark.parametrize("source", EXPLODING)
def test_an_exploding_operation_is_refused_before_it_runs(source):
    environment = RestrictedEnvironment(CONTEXT)
    data: dict = {}

    with pytest.raises(ScriptLimitExceeded) as refused:
        environment.execute(source, data)

    assert f"{MAX_INT_BITS:,}" in str(refused.value) or f"{MAX_ITEMS:,}" in str(refused.value)
    assert "x" not in data


def test_an_exploding_condition_is_refused_too():
    with pytest.raises(ScriptLimitExceeded):
        RestrictedEnvironment(CONTEXT).evaluate("amount > 10 ** 10 ** 8", {"amount": 1})


def test_normal_arithmetic_and_string_work_are_unchanged():
    data: dict = {"amount": 600, "w": 6}
    source = "\n".join([
        "a = 2 ** 10", "b = 'ab' * 3", "c = [1] * 4", "d = 1 << 5", "e = 7 % 3", "f = '%05d|%s' % (42, 'x')",
        "g = f'{3.14159:.2f}|{5:>{w}}|{7!r}'", "h = pow(2, 10, 1000)", "i = 3", "i **= 3", "j = 'x'.ljust(5, '-')",
        "k = 2.5 * 4", "m = 'abc'.replace('b', 'xy')", "n = -2 ** 3", "o = 10 ** -2", "p = 2 ** 0.5",
        "q = 3 * amount", "r = 10 ** 4000 % 7", "s = [0] * 1000", "t = 'a' * 1_000_000", "u = 1", "u *= 5",
        "v = 'a'", "v *= 3", "z = 5 * 3 - 2 ** 3 + 17 % 5 * 2",
    ])
    RestrictedEnvironment(CONTEXT).execute(source, data)

    assert {k: data[k] for k in "abcdefghijkmnoquvz"} == {
        "a": 1024, "b": "ababab", "c": [1, 1, 1, 1], "d": 32, "e": 1, "f": "00042|x", "g": "3.14|     5|7",
        "h": 24, "i": 27, "j": "x----", "k": 10.0, "m": "axyc", "n": -8, "o": 0.01, "q": 1800, "u": 5, "v": "aaa",
        "z": 11}
    assert data["p"] == pytest.approx(1.41421356)
    assert data["r"] == pow(10, 4000, 7)
    assert len(data["s"]) == 1000 and len(data["t"]) == 1_000_000
    assert RestrictedEnvironment(CONTEXT).evaluate("amount * 2 > 10 ** 3 and amount % 100 == 0", data) is True


def test_an_exploding_script_in_a_diagram_is_an_incident_naming_the_limit():
    instance = start(load(diagram(chain(script("Code", escape("total = 1 << 10 ** 10"))))))

    assert instance.status == "incident"
    assert (instance.incident["element_id"], instance.incident["type"]) == ("Code", "ScriptLimitExceeded")
    assert f"{MAX_INT_BITS:,}" in instance.incident["message"]


@pytest.mark.django_db
def test_the_host_retries_an_exploding_step_then_shows_the_incident(admin_user, deal_a):
    from podbor.automation.models import ProcessInstance
    from podbor.automation.services import MAX_ATTEMPTS, instance_wake, process_deploy, process_start
    from podbor.automation.tests.diagrams import chain as host_chain

    code = ('<bpmn:scriptTask id="build" scriptFormat="python"><bpmn:script>big = "a" * 10 ** 9'
            '</bpmn:script></bpmn:scriptTask>')
    definition = process_deploy(xml=host_chain("explode", "Взрыв", [code]), actor=admin_user)
    instance = process_start(definition=definition, deal=deal_a)
    for _attempt in range(MAX_ATTEMPTS - 1):
        instance.refresh_from_db()
        assert instance.status == "running" and instance.next_timer_at is not None  # retried with backoff
        instance_wake(instance_id=instance.pk, now=instance.next_timer_at + datetime.timedelta(seconds=1))

    instance = ProcessInstance.objects.get(pk=instance.pk)
    assert instance.status == "incident"
    assert instance.attempts == MAX_ATTEMPTS
    assert (instance.incident["element_id"], instance.incident["type"]) == ("build", "ScriptLimitExceeded")
    assert f"{MAX_ITEMS:,}" in instance.incident["message"]
    assert instance.next_timer_at is None  # it waits for a person now
