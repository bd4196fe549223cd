"""The designer's Deploy button and the .bpmn upload: a valid diagram becomes the next version, a broken one is
refused with its errors by element id and nothing is stored."""

import pytest

from podbor.automation.models import ProcessDefinition
from podbor.automation.tests.diagrams import call_diagram, chain, service_task, user_task
from podbor.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _deploy(client, xml: str):
    return client.post("/processes/deploy", data=xml.encode(), content_type="application/xml")


@pytest.fixture
def admin_client(client, admin_user):
    assert client.login(username=admin_user.username, password=PASSWORD)
    return client


def test_a_valid_diagram_is_deployed_as_version_1_then_2(admin_client, admin_user):
    first = _deploy(admin_client, call_diagram())

    assert first.status_code == 200
    assert first.json()["key"] == "call_candidate"
    assert first.json()["version"] == 1
    assert first.json()["changed"] is True
    stored = ProcessDefinition.objects.get(key="call_candidate")
    assert stored.deployed_by == admin_user
    assert stored.bpmn_xml == call_diagram()

    same = _deploy(admin_client, call_diagram())
    assert same.json()["version"] == 1
    assert same.json()["changed"] is False

    changed = call_diagram().replace("Позвонить кандидату", "Перезвонить кандидату")
    second = _deploy(admin_client, changed)
    assert second.json()["version"] == 2
    assert list(ProcessDefinition.objects.filter(key="call_candidate").values_list("version", flat=True)) == [2, 1]
    assert admin_client.get("/processes/call_candidate/").context["shown"].version == 2


def test_a_broken_diagram_is_refused_with_its_errors_by_element(admin_client):
    broken = chain("broken", "Сломанный", [service_task("notify_step", "no_such_operator"),
                                           user_task("call", "Позвонить")])

    answer = _deploy(admin_client, broken)

    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert "notify_step" in {e["id"] for e in errors}
    assert all(e["message"] for e in errors)
    assert not ProcessDefinition.objects.exists()


@pytest.mark.parametrize("body", ["", "<not xml", "<html><body>hello</body></html>"])
def test_what_is_not_a_diagram_gets_an_error_not_a_500(admin_client, body):
    answer = _deploy(admin_client, body)

    assert answer.status_code == 400
    assert answer.json()["errors"]
    assert not ProcessDefinition.objects.exists()


def test_an_uploaded_file_is_deployed_and_opens_in_the_designer(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("call.bpmn", call_diagram().encode(), content_type="application/xml")
    answer = admin_client.post("/processes/upload", {"bpmn_file": upload})

    assert answer.status_code == 302
    assert answer["Location"] == "/processes/call_candidate/"
    assert ProcessDefinition.objects.get(key="call_candidate").version == 1


def test_an_uploaded_file_with_errors_opens_in_the_designer_with_them(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    broken = chain("broken", "Сломанный", [service_task("notify_step", "no_such_operator")])
    upload = SimpleUploadedFile("broken.bpmn", broken.encode(), content_type="application/xml")
    answer = admin_client.post("/processes/upload", {"bpmn_file": upload})

    assert answer.status_code == 400
    assert "notify_step" in {e["id"] for e in answer.context["errors"]}
    assert b'data-element-id="notify_step"' in answer.content
    assert answer.context["config"]["xml"] == broken  # what was uploaded is kept, to fix it in the designer
    assert not ProcessDefinition.objects.exists()


def test_a_deployed_version_downloads_as_its_xml(admin_client):
    _deploy(admin_client, call_diagram())

    answer = admin_client.get("/processes/call_candidate/download?version=1")

    assert answer.status_code == 200
    assert "attachment" in answer["Content-Disposition"]
    assert answer.content.decode() == call_diagram()
    assert admin_client.get("/processes/call_candidate/download?version=9").status_code == 404


def test_the_designer_gets_the_catalogue_and_the_latest_xml(admin_client):
    _deploy(admin_client, call_diagram())

    answer = admin_client.get("/processes/call_candidate/")

    config = answer.context["config"]
    assert config["xml"] == call_diagram()
    assert "move_to_stage" in {op["name"] for op in config["catalogue"]}
    assert config["deployUrl"] == "/processes/deploy"
    assert b"vendor/podbor-designer.js" in answer.content
