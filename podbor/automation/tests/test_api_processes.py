"""The processes API: deploy a diagram (XML body or file), refuse a broken one by element, start an instance on a
deal, see its user task among the deal's tasks, complete it and see the instance advance."""

import json

import pytest

from podbor.automation.models import ProcessDefinition, ProcessInstance
from podbor.automation.tests.diagrams import chain
from podbor.crm.models import Deal, Task
from podbor.crm.services import contact_create, deal_create
from podbor.events.services import events_dispatch_pending

USER_TASK = ('<bpmn:userTask id="call" name="Позвонить"><bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="title" value="Позвонить кандидату"/>'
             '<spiffworkflow:property name="checklist" value="Город; Смены"/>'
             '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')
DECIDE = ('<bpmn:scriptTask id="decide" name="Решить" scriptFormat="python"><bpmn:script>'
          "outcome = 'hire' if result == 'interested' else 'no'</bpmn:script></bpmn:scriptTask>")


@pytest.fixture
def api(client, token_for):
    class Api:
        def __init__(self, user):
            self.headers = token_for(user)

        def post(self, path, data=None, *, raw=None, content_type="application/json"):
            body = raw if raw is not None else json.dumps(data or {})
            return client.post("/api/v1" + path, body, content_type=content_type, **self.headers)

        def upload(self, path, files):
            return client.post("/api/v1" + path, files, **self.headers)

        def get(self, path, params=None):
            return client.get("/api/v1" + path, params or {}, **self.headers)

    return Api


@pytest.fixture
def deal(pipeline, manager_a) -> Deal:
    contact = contact_create(actor=manager_a, full_name="Орлова Анна", phones=["+7 916 000 11 22"])
    return deal_create(actor=manager_a, title="Орлова — кассир", pipeline=pipeline, contact=contact)


def test_a_diagram_deploys_from_the_body_and_a_change_is_the_next_version(api, admin_user):
    answer = api(admin_user).post("/processes", raw=chain("hire", "Найм", [USER_TASK]),
                                  content_type="application/xml")
    assert answer.status_code == 201, answer.content
    assert (answer.json()["key"], answer.json()["version"]) == ("hire", 1)
    again = api(admin_user).post("/processes", raw=chain("hire", "Найм", [USER_TASK]),
                                 content_type="application/xml")
    assert again.json()["version"] == 1  # the same diagram is the same version
    changed = api(admin_user).post("/processes", raw=chain("hire", "Найм", [USER_TASK, DECIDE]),
                                   content_type="application/xml")
    assert changed.json()["version"] == 2
    assert list(ProcessDefinition.objects.filter(key="hire").values_list("version", flat=True)) == [2, 1]


def test_a_diagram_deploys_as_an_uploaded_file(api, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("hire.bpmn", chain("hire", "Найм", [USER_TASK]).encode(), "application/xml")
    answer = api(admin_user).upload("/processes", {"file": upload})
    assert answer.status_code == 201, answer.content
    assert answer.json()["key"] == "hire"


@pytest.mark.parametrize(("xml", "element"), [
    ("<html>not bpmn</html>", ""),
    (chain("bad_timer", "x", ['<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
                              '<bpmn:timeDuration>PT90X</bpmn:timeDuration></bpmn:timerEventDefinition>'
                              '</bpmn:intermediateCatchEvent>']), "wait"),
    (chain("bad_service", "x", ['<bpmn:serviceTask id="svc"><bpmn:extensionElements>'
                                '<spiffworkflow:serviceTaskOperator id="launch_rockets"><spiffworkflow:parameters/>'
                                '</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>']),
     "svc"),
    (chain("reserved", "x", ['<bpmn:task id="End" name="An id the engine uses itself"/>']), "End"),
])
def test_a_broken_diagram_is_a_400_naming_the_element_and_nothing_is_deployed(api, admin_user, xml, element):
    answer = api(admin_user).post("/processes", raw=xml, content_type="application/xml")
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["error"] == "validation_error"
    assert body["errors"] and all(e["reason"] for e in body["errors"])
    if element:
        assert element in [e["id"] for e in body["errors"]]
    assert not ProcessDefinition.objects.exists()


def test_only_an_admin_deploys(api, manager_a):
    answer = api(manager_a).post("/processes", raw=chain("hire", "Найм", [USER_TASK]), content_type="application/xml")
    assert answer.status_code == 403


def test_a_started_instance_waits_at_its_user_task_which_is_a_podbor_task(api, admin_user, manager_a, deal):
    api(admin_user).post("/processes", raw=chain("hire", "Найм", [USER_TASK, DECIDE]), content_type="application/xml")

    started = api(manager_a).post(f"/deals/{deal.pk}/processes", {"process": "hire"})

    assert started.status_code == 201, started.content
    instance_id = started.json()["instance"]
    assert started.json()["status"] == "waiting"
    instance = api(manager_a).get(f"/process-instances/{instance_id}").json()
    assert instance["waiting_at"] == ["call"]
    assert [step["element"] for step in instance["history"]] == ["start"]
    tasks = api(manager_a).get("/tasks", {"deal": deal.pk}).json()["items"]
    assert [t["title"] for t in tasks] == ["Позвонить кандидату"]
    task = Task.objects.get(pk=tasks[0]["id"])
    assert task.assignee == manager_a
    assert list(task.checklist.values_list("text", flat=True)) == ["Город", "Смены"]

    done = api(manager_a).post(f"/tasks/{task.pk}/complete", {"result": "interested"})
    events_dispatch_pending()  # what the worker does after the commit

    assert done.status_code == 200, done.content
    instance = api(manager_a).get(f"/process-instances/{instance_id}").json()
    assert instance["status"] == "completed"
    assert instance["variables"]["outcome"] == "hire"
    assert [step["element"] for step in instance["history"]] == ["start", "call", "decide", "end"]


def test_starting_an_unknown_process_or_on_an_invisible_deal_is_refused(api, admin_user, manager_b, manager_a, deal):
    api(admin_user).post("/processes", raw=chain("hire", "Найм", [USER_TASK]), content_type="application/xml")
    unknown = api(manager_a).post(f"/deals/{deal.pk}/processes", {"process": "nope"})
    assert unknown.status_code == 400
    assert "process" in unknown.json()["fields"]
    other_team = api(manager_b).post(f"/deals/{deal.pk}/processes", {"process": "hire"})
    assert other_team.status_code == 404
    assert not ProcessInstance.objects.exists()


def test_a_failing_step_is_retried_then_an_incident_which_a_lead_retries_after_the_fix(api, admin_user, lead_a,
                                                                                        deal, pipeline):
    move = ('<bpmn:serviceTask id="move" name="На этап"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="move_to_stage"><spiffworkflow:parameters>'
            '<spiffworkflow:parameter id="stage" type="str" value="\'Проверка\'"/>'
            '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
            '</bpmn:serviceTask>')
    api(admin_user).post("/processes", raw=chain("mover", "Перевод", [move]), content_type="application/xml")
    from podbor.automation.services import MAX_ATTEMPTS, instance_wake

    started = api(admin_user).post(f"/deals/{deal.pk}/processes", {"process": "mover"}).json()
    instance = ProcessInstance.objects.get(pk=started["instance"])
    assert (instance.status, instance.attempts) == ("running", 1)  # retried after a backoff
    assert instance.next_timer_at is not None
    for _attempt in range(MAX_ATTEMPTS - 1):
        ProcessInstance.objects.filter(pk=instance.pk).update(next_timer_at=instance.started_at)
        instance_wake(instance_id=instance.pk)
    body = api(lead_a).get(f"/process-instances/{instance.pk}").json()
    assert body["status"] == "incident"
    assert body["incident"]["element_id"] == "move"

    pipeline.stages.create(name="Проверка", order=10)  # the cause fixed
    retried = api(lead_a).post(f"/process-instances/{instance.pk}/retry")

    assert retried.status_code == 200, retried.content
    assert retried.json()["status"] == "completed"
    assert Deal.objects.get(pk=deal.pk).stage.name == "Проверка"


def test_a_failing_http_call_never_loses_the_instance_it_is_retried_then_an_incident(api, admin_user, deal):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ask = ('<bpmn:serviceTask id="ask"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="http_request">'
           '<spiffworkflow:parameters><spiffworkflow:parameter id="method" type="str" value="\'GET\'"/>'
           f'<spiffworkflow:parameter id="url" type="str" value="\'http://127.0.0.1:{port}/\'"/>'
           '<spiffworkflow:parameter id="timeout" type="int" value="2"/>'
           '<spiffworkflow:parameter id="retries" type="int" value="1"/>'
           '</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>'
           '</bpmn:serviceTask>')
    api(admin_user).post("/processes", raw=chain("outside", "Внешняя проверка", [ask]),
                         content_type="application/xml")
    from podbor.automation.services import MAX_ATTEMPTS, instance_wake

    started = api(admin_user).post(f"/deals/{deal.pk}/processes", {"process": "outside"}).json()
    instance = ProcessInstance.objects.get(pk=started["instance"])
    assert (instance.status, instance.attempts) == ("running", 1)
    for _attempt in range(MAX_ATTEMPTS - 1):
        instance_wake(instance_id=instance.pk, now=ProcessInstance.objects.get(pk=instance.pk).next_timer_at)
    body = api(admin_user).get(f"/process-instances/{instance.pk}").json()
    assert body["status"] == "incident"
    assert (body["incident"]["element_id"], body["incident"]["type"]) == ("ask", "OutsideCallFailed")
    assert body["waiting_at"] == ["ask"]  # kept where it failed, ready to be retried
