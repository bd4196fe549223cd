"""Timers fired by a real worker process through Huey's scheduler, and a worker killed in the middle of a step.

The SLA template runs as shipped except that its 90 seconds become 3, so that the test waits seconds, not minutes.
"""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection

from podbor.automation.library import TEMPLATES
from podbor.automation.models import ProcessInstance, ProcessStep
from podbor.automation.services import process_deploy, process_start
from podbor.automation.tests.diagrams import chain
from podbor.automation.tests.worker import wait_for
from podbor.crm.models import Deal, Task
from podbor.crm.services import contact_create, deal_create
from podbor.routing.tests.distribution import manager, rule


def _instance(pk: int) -> ProcessInstance:
    connection.close()  # a fresh read of what the worker committed
    return ProcessInstance.objects.get(pk=pk)


def test_the_90_second_sla_fires_on_time_in_a_real_worker(real_worker, admin_user, pipeline, team_a, lead_a):
    first, second = manager("first", team=team_a), manager("second", team=team_a)
    rule(pipeline, [first, second])
    xml = TEMPLATES["sla_call_90s"].xml.replace("PT90S", "PT3S")
    definition = process_deploy(xml=xml, actor=admin_user)
    contact = contact_create(actor=None, full_name="Быстрова Анна", phones=["+7 916 777 88 99"])
    deal = deal_create(actor=None, title="Быстрова — кассир", pipeline=pipeline, contact=contact, responsible=first)
    real_worker.start()

    instance = process_start(definition=definition, deal=deal)
    due = instance.next_timer_at
    assert instance.status == "waiting"
    assert Task.objects.get(deal=deal).assignee == first

    done = wait_for(lambda: _instance(instance.pk).status == "completed", timeout=30, worker=real_worker,
                    what="the SLA escalation")

    assert done
    fired = ProcessStep.objects.get(instance_id=instance.pk, element_id="Timer_90s").at
    late = (fired - due).total_seconds()
    assert 0 <= late < 1.5, f"the timer fired {late:.3f} s after its due time"
    assert Deal.objects.get(pk=deal.pk).responsible == second
    assert Task.objects.filter(assignee=lead_a, title__contains="90 секунд").exists()
    assert Task.objects.filter(deal=deal, assignee=second, done_at__isnull=True).count() == 1


class _SlowCheck(BaseHTTPRequestHandler):
    """The first request blocks until the test has killed the worker; later ones answer at once."""

    requests: list[float] = []
    arrived = threading.Event()
    release = threading.Event()

    def do_GET(self):  # noqa: N802 - the name http.server calls
        type(self).requests.append(datetime.datetime.now().timestamp())
        if len(type(self).requests) == 1:
            type(self).arrived.set()
            type(self).release.wait(timeout=20)
        body = b'{"ok": true}'
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the worker that asked is dead

    def log_message(self, *args):
        pass


def test_a_worker_killed_mid_step_loses_nothing_and_repeats_no_step(real_worker, admin_user, pipeline, manager_a):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowCheck)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/check"
    timer = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
             '<bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    ask = ('<bpmn:serviceTask id="ask"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="http_request">'
           '<spiffworkflow:parameters><spiffworkflow:parameter id="method" type="str" value="\'GET\'"/>'
           f'<spiffworkflow:parameter id="url" type="str" value="\'{url}\'"/>'
           '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
           '</bpmn:serviceTask>')
    follow_up = ('<bpmn:serviceTask id="task"><bpmn:extensionElements>'
                 '<spiffworkflow:serviceTaskOperator id="create_task"><spiffworkflow:parameters>'
                 '<spiffworkflow:parameter id="title" type="str" value="\'Проверено\'"/>'
                 '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
                 '</bpmn:serviceTask>')
    definition = process_deploy(xml=chain("crashy", "Проверка", [timer, ask, follow_up]), actor=admin_user)
    deal = deal_create(actor=manager_a, title="Сделка", pipeline=pipeline)
    real_worker.start()
    try:
        instance = process_start(definition=definition, deal=deal)
        assert _SlowCheck.arrived.wait(timeout=30), real_worker.log()

        real_worker.kill()  # in the middle of the step: the HTTP call is in flight, nothing is committed
        _SlowCheck.release.set()
        assert _instance(instance.pk).status == "waiting"  # the saved state is from before the step
        real_worker.start()  # its start-up sweep finds the overdue instance at once

        wait_for(lambda: _instance(instance.pk).status == "completed", timeout=30, worker=real_worker,
                 what="the instance finishing after the restart")
    finally:
        server.shutdown()

    assert Task.objects.filter(deal=deal, title="Проверено").count() == 1
    steps = list(ProcessStep.objects.filter(instance_id=instance.pk).values_list("element_id", flat=True))
    assert steps == ["start", "wait", "ask", "task", "end"]
    assert len(_SlowCheck.requests) == 2  # the cut-off call is made again: outside calls are at least once
