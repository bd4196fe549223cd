"""Every shipped template installs in one click and does what it promises (the engine's clock is moved with
``now=``; the 90-second SLA also runs with a real worker and a real timer in test_worker_sla.py)."""

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from podbor.automation.library import TEMPLATES
from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger
from podbor.automation.services import (
    definitions_tick,
    instance_wake,
    process_deploy,
    process_start,
    template_install,
)
from podbor.automation.tests.diagrams import chain, service_task
from podbor.crm.models import Deal, Task
from podbor.crm.services import contact_create, deal_create, deal_move_to_stage, task_complete
from podbor.events.services import events_dispatch_pending
from podbor.messaging.models import OutboundMessage
from podbor.routing.tests.distribution import manager, rule


def _later(instance: ProcessInstance, seconds: float = 1) -> datetime.datetime:
    instance.refresh_from_db()
    return instance.next_timer_at + datetime.timedelta(seconds=seconds)


def _new_deal(pipeline, responsible, *, city="Москва", name="Кузнецова Ольга") -> Deal:
    contact = contact_create(actor=None, full_name=name, city=city, phones=["+7 916 222 33 44"])
    deal = deal_create(actor=None, title=f"{name} — кассир", pipeline=pipeline, contact=contact,
                       responsible=responsible)
    events_dispatch_pending()  # the triggers run as the worker would run them after the commit
    return deal


def test_every_template_installs_once_with_its_triggers(admin_user):
    for key in TEMPLATES:
        first = template_install(key=key, actor=admin_user)
        again = template_install(key=key, actor=admin_user)
        assert (first.pk, first.key) == (again.pk, key)
    assert ProcessDefinition.objects.count() == len(TEMPLATES)
    assert ProcessTrigger.objects.filter(process_key="sla_call_90s", kind="deal_created").count() == 1
    assert ProcessDefinition.objects.get(key="periodic_check").start_timer == "R/PT20M"


@pytest.fixture
def shift(pipeline, team_a, lead_a):
    """Two managers at work under the pipeline's round-robin rule; the team lead is lead_a."""
    first = manager("first", team=team_a)
    second = manager("second", team=team_a)
    rule(pipeline, [first, second])
    return first, second


def test_sla_call_a_call_in_time_ends_the_process(admin_user, pipeline, shift):
    template_install(key="sla_call_90s", actor=admin_user)
    first, _second = shift
    deal = _new_deal(pipeline, first)
    instance = ProcessInstance.objects.get(deal=deal)
    task = Task.objects.get(deal=deal, assignee=first)
    assert instance.waiting_at[0]["id"] == "Call"

    task_complete(task=task, actor=first, result="interested")
    events_dispatch_pending()

    instance.refresh_from_db()
    assert instance.status == "completed"
    assert [s.element_id for s in instance.steps.all()][-1] == "End_called"


def test_sla_call_90_seconds_without_a_call_go_to_the_next_manager_and_the_lead(admin_user, pipeline, shift, lead_a):
    template_install(key="sla_call_90s", actor=admin_user)
    first, second = shift
    deal = _new_deal(pipeline, first)
    instance = ProcessInstance.objects.get(deal=deal)
    first_task = Task.objects.get(deal=deal, assignee=first)
    assert instance.next_timer_at - instance.started_at < datetime.timedelta(seconds=91)

    instance_wake(instance_id=instance.pk, now=_later(instance, -1))  # not yet: timers fire late, never early
    assert ProcessInstance.objects.get(pk=instance.pk).status == "waiting"
    instance_wake(instance_id=instance.pk, now=_later(instance))

    instance.refresh_from_db()
    assert instance.status == "completed"
    deal.refresh_from_db()
    assert deal.responsible == second
    assert Task.objects.filter(deal=deal, assignee=second, done_at__isnull=True).exists()
    assert Task.objects.filter(assignee=lead_a, title__contains="90 секунд").exists()
    first_task.refresh_from_db()
    assert first_task.done_at is not None  # the first manager's call task is closed by the process


def test_stuck_on_stage_gives_the_team_lead_a_task_after_the_stage_target(admin_user, pipeline, shift, lead_a):
    template_install(key="stuck_on_stage", actor=admin_user)
    stage = pipeline.stages.get(name="Квалификация")
    stage.target_seconds = 3600
    stage.save()
    first, _second = shift
    deal = _new_deal(pipeline, first)
    deal_move_to_stage(deal=deal, stage=stage, actor=first)
    events_dispatch_pending()
    instance = ProcessInstance.objects.get(deal=deal, definition__key="stuck_on_stage")
    assert instance.next_timer_at - instance.started_at == pytest.approx(datetime.timedelta(hours=1),
                                                                         abs=datetime.timedelta(seconds=5))

    instance_wake(instance_id=instance.pk, now=_later(instance))

    instance.refresh_from_db()
    assert instance.status == "completed"
    assert Task.objects.filter(assignee=lead_a, title__contains="Квалификация").exists()


def test_stuck_on_stage_ends_quietly_when_the_deal_moves_on(admin_user, pipeline, shift, lead_a):
    template_install(key="stuck_on_stage", actor=admin_user)
    first, _second = shift
    deal = _new_deal(pipeline, first)
    deal_move_to_stage(deal=deal, stage=pipeline.stages.get(name="Квалификация"), actor=first)
    events_dispatch_pending()
    first_instance = ProcessInstance.objects.get(deal=deal, definition__key="stuck_on_stage")

    deal_move_to_stage(deal=Deal.objects.get(pk=deal.pk), stage=pipeline.stages.get(name="Работает"), actor=first)
    events_dispatch_pending()

    first_instance.refresh_from_db()
    assert first_instance.status == "completed"
    assert [s.element_id for s in first_instance.steps.all()][-1] == "End_moved"
    assert not Task.objects.filter(assignee=lead_a).exists()


def test_relevance_check_closes_a_candidate_from_another_city_and_replies(admin_user, pipeline, shift):
    template_install(key="relevance_check", actor=admin_user)
    first, _second = shift
    far = _new_deal(pipeline, first, city="Пермь", name="Далёкая Ирина")
    near = _new_deal(pipeline, first, city="Москва", name="Близкая Вера")

    far.refresh_from_db()
    near.refresh_from_db()
    assert far.closed_at is not None
    assert far.lost_reason.name == "Не подходит: город"
    reply = OutboundMessage.objects.get(deal=far)
    assert (reply.channel, reply.to) == ("sms", "+79162223344")
    assert reply.text.startswith("Здравствуйте, Ирина!")
    assert near.closed_at is None
    assert not OutboundMessage.objects.filter(deal=near).exists()


class _Balance(BaseHTTPRequestHandler):
    balance = 3000

    def do_GET(self):  # noqa: N802 - the name http.server calls
        body = json.dumps({"balance": self.balance}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def balance_server():
    server = HTTPServer(("127.0.0.1", 0), _Balance)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/api/balance"
    server.shutdown()


def test_periodic_check_asks_every_20_minutes_and_tells_the_lead_when_the_balance_is_low(admin_user, lead_a,
                                                                                          balance_server):
    xml = TEMPLATES["periodic_check"].xml.replace("https://tracking.example.com/api/balance", balance_server)
    definition = process_deploy(xml=xml, actor=admin_user)
    assert definition.next_tick_at - definition.deployed_at == pytest.approx(
        datetime.timedelta(minutes=20), abs=datetime.timedelta(seconds=5))

    assert definitions_tick(now=timezone.now()) == 0  # not yet
    assert definitions_tick(now=definition.next_tick_at + datetime.timedelta(seconds=1)) == 1

    instance = ProcessInstance.objects.get(definition=definition)
    assert instance.status == "completed"
    assert instance.variables["balance_answer"]["json"] == {"balance": 3000}
    assert Task.objects.filter(assignee=lead_a, title__contains="3000").exists()
    definition.refresh_from_db()
    assert definition.next_tick_at > timezone.now() + datetime.timedelta(minutes=19)


def test_repeat_caller_on_the_working_stage_gets_a_support_task(admin_user, pipeline, shift, client):
    from pathlib import Path

    from podbor.intake.services import source_create

    template_install(key="repeat_caller_support", actor=admin_user)
    first, _second = shift
    contact = contact_create(actor=None, full_name="Орлова Нина", phones=["+7 903 555-00-11"])
    deal = deal_create(actor=None, title="Орлова — работает", pipeline=pipeline, contact=contact, responsible=first)
    deal_move_to_stage(deal=deal, stage=pipeline.stages.get(name="Работает"), actor=first)
    source, token = source_create(name="Телефония", kind="call", pipeline=pipeline)
    fixtures = Path(__file__).resolve().parents[2] / "intake" / "sources" / "call" / "fixtures"
    fixture = fixtures / "notify_end_answered.txt"
    answer = client.post(f"/api/v1/intake/{source.slug}?token={token}", fixture.read_bytes(),
                         content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 202
    from podbor.intake.services import inbound_events_process_batch

    inbound_events_process_batch()
    events_dispatch_pending()

    instance = ProcessInstance.objects.get(definition__key="repeat_caller_support")
    assert (instance.deal_id, instance.status) == (deal.pk, "completed")
    support = Task.objects.get(deal=deal, title__startswith="Поддержка")
    assert support.assignee == first
    assert Deal.objects.filter(contact=contact).count() == 1  # no new lead


def test_a_message_text_is_filled_from_variables_set_earlier_in_the_same_run(deal_a, admin_user):
    contact = contact_create(actor=None, first_name="Иван", phones=["+79991234567"])
    Deal.objects.filter(pk=deal_a.pk).update(contact=contact)
    deal_a.refresh_from_db()
    script = '<bpmn:scriptTask id="name_it"><bpmn:script>greeting = "Добрый день"</bpmn:script></bpmn:scriptTask>'
    xml = chain("greet", "Приветствие", [script, service_task("sms", "send_message", channel="'sms'",
                                                                  text="'{{ greeting }}, {{ contact.first_name }}!'")])
    process_start(definition=process_deploy(xml=xml, actor=admin_user), deal=deal_a)
    assert OutboundMessage.objects.get(contact=contact).text == "Добрый день, Иван!"
