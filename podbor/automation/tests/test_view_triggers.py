"""The designer's Triggers panel: an administrator sees, adds, changes and removes what starts a process by itself,
with pipelines, stages and fields from the database; a refused trigger comes back as form errors, never a 500."""

import pytest

from podbor.automation.models import ProcessTrigger
from podbor.automation.services import trigger_create
from podbor.automation.tests.diagrams import call_diagram
from podbor.conftest import PASSWORD, stage_named
from podbor.crm.models import CustomField, Pipeline, Stage

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client, admin_user):
    assert client.login(username=admin_user.username, password=PASSWORD)
    return client


@pytest.fixture
def drivers() -> Pipeline:
    other = Pipeline.objects.create(name="Водители")
    Stage.objects.create(pipeline=other, name="Права проверены", order=1)
    return other


def _add(client, *, htmx: bool = True, **data):
    fields = {f"new-{name}": value for name, value in data.items()}
    return client.post("/processes/call_candidate/triggers/add", fields, **(HTMX if htmx else {}))


def test_the_designer_shows_the_triggers_with_choices_from_the_database(admin_client, call_process, pipeline,
                                                                        drivers):
    Pipeline.objects.create(name="Старая воронка", is_archived=True)
    trigger_create(process_key="call_candidate", kind="stage_entered", stage=stage_named(pipeline, "Квалификация"))

    page = admin_client.get("/processes/call_candidate/")

    assert page.status_code == 200
    panel = page.context["triggers"]
    assert [row["trigger"].kind for row in panel["rows"]] == ["stage_entered"]
    new = panel["new_form"]
    assert [p.name for p in new.fields["pipeline"].queryset] == ["Кандидаты", "Водители"]  # not the archived one
    assert {s.name for s in new.fields["stage"].queryset} == {*pipeline.stages.values_list("name", flat=True),
                                                              "Права проверены"}
    assert {"title", "responsible", "budget_planned", "interview_date"} <= dict(new.fields["field"].choices).keys()
    content = page.content.decode()
    assert 'id="process-triggers" data-deployed="true"' in content
    assert 'id="trigger-add"' in content
    assert 'id="id_new-stage"' in content


def test_a_new_process_asks_to_be_deployed_before_it_gets_triggers(admin_client):
    page = admin_client.get("/processes/new/")
    assert 'id="process-triggers" data-deployed="false"' in page.content.decode()
    assert 'id="trigger-add"' not in page.content.decode()


def test_the_deploy_answer_says_where_the_panel_is(admin_client):
    answer = admin_client.post("/processes/deploy", data=call_diagram().encode(), content_type="application/xml")
    assert answer.json()["triggers_url"] == "/processes/call_candidate/triggers/"
    panel = admin_client.get(answer.json()["triggers_url"], **HTMX)
    assert panel.status_code == 200
    assert 'id="trigger-new"' in panel.content.decode()


def test_adding_a_stage_trigger_through_htmx_answers_the_panel_with_it(admin_client, call_process, pipeline):
    stage = stage_named(pipeline, "Квалификация")

    answer = _add(admin_client, kind="stage_entered", pipeline=pipeline.pk, stage=stage.pk, is_active="on")

    assert answer.status_code == 200
    trigger = ProcessTrigger.objects.get(process_key="call_candidate")
    assert (trigger.kind, trigger.pipeline, trigger.stage, trigger.field, trigger.is_active) == (
        "stage_entered", pipeline, stage, "", True)
    assert answer.templates[0].name == "automation/_triggers.html"
    assert f'id="trigger-{trigger.pk}"' in answer.content.decode()
    assert 'id="triggers-saved"' in answer.content.decode()


def test_a_stage_alone_sets_its_pipeline_and_inputs_of_other_kinds_are_dropped(admin_client, call_process, pipeline):
    stage = stage_named(pipeline, "Квалификация")
    _add(admin_client, kind="stage_entered", stage=stage.pk, field="title", is_active="on")
    _add(admin_client, kind="deal_created", stage=stage.pk, field="title", is_active="on")

    assert list(ProcessTrigger.objects.order_by("id").values_list("kind", "pipeline", "stage", "field")) == [
        ("stage_entered", pipeline.pk, stage.pk, ""), ("deal_created", None, None, "")]


def test_without_htmx_a_saved_trigger_goes_back_to_the_designer(admin_client, call_process, pipeline):
    answer = _add(admin_client, htmx=False, kind="deal_created", pipeline=pipeline.pk, is_active="on")
    assert answer.status_code == 302
    assert answer["Location"] == "/processes/call_candidate/#process-triggers"
    assert ProcessTrigger.objects.get().pipeline == pipeline


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "field_changed"}, "field"),
    ({"kind": "field_changed", "field": "no_such_field"}, "field"),
    ({"kind": "stage_entered", "stage": "999999"}, "stage"),
    ({"kind": "stage_entered", "stage": "abc"}, "stage"),
    ({"kind": "deal_created", "pipeline": "999999"}, "pipeline"),
    ({"kind": "no_such_kind"}, "kind"),
])
def test_a_bad_trigger_is_a_form_error_and_nothing_is_saved(admin_client, call_process, pipeline, data, field):
    answer = _add(admin_client, **data)

    assert answer.status_code == 200
    form = answer.context["new_form"]
    assert form.errors[field]
    assert 'class="field field--error' in answer.content.decode()
    assert not ProcessTrigger.objects.exists()


def test_a_stage_of_another_pipeline_is_refused_by_the_service_as_a_form_error(admin_client, call_process, pipeline,
                                                                               drivers):
    answer = _add(admin_client, kind="stage_entered", pipeline=pipeline.pk, stage=drivers.stages.get().pk)

    form = answer.context["new_form"]
    assert list(form.errors) == ["__all__", "stage"]  # the service's summary on top, its reason under the stage
    assert not ProcessTrigger.objects.exists()


def test_the_same_trigger_twice_is_refused(admin_client, call_process, pipeline):
    _add(admin_client, kind="deal_created", pipeline=pipeline.pk, is_active="on")
    again = _add(admin_client, kind="deal_created", pipeline=pipeline.pk, is_active="on")

    assert list(again.context["new_form"].errors) == ["__all__"]
    assert len(again.context["new_form"].non_field_errors()) == 2  # the summary and "already has the same trigger"
    assert 'class="alert alert--error"' in again.content.decode()
    assert ProcessTrigger.objects.count() == 1


def test_without_htmx_a_refused_trigger_shows_the_designer_with_the_errors(admin_client, call_process):
    answer = _add(admin_client, htmx=False, kind="field_changed")

    assert answer.status_code == 400
    assert answer.templates[0].name == "automation/designer.html"
    assert answer.context["triggers"]["new_form"].errors["field"]
    assert not ProcessTrigger.objects.exists()


def test_a_trigger_is_changed_to_another_kind(admin_client, call_process, pipeline):
    CustomField.objects.filter(code="interview_date").update(pipeline=pipeline)
    trigger = trigger_create(process_key="call_candidate", kind="stage_entered",
                             stage=stage_named(pipeline, "Квалификация"))
    prefix = f"trigger-{trigger.pk}"

    answer = admin_client.post(f"/processes/call_candidate/triggers/{trigger.pk}/", {
        f"{prefix}-kind": "field_changed", f"{prefix}-pipeline": pipeline.pk,
        f"{prefix}-stage": stage_named(pipeline, "Квалификация").pk, f"{prefix}-field": "interview_date",
    }, **HTMX)

    assert answer.status_code == 200
    trigger.refresh_from_db()
    assert (trigger.kind, trigger.pipeline, trigger.stage, trigger.field, trigger.is_active) == (
        "field_changed", pipeline, None, "interview_date", False)  # an unticked "On" switches it off


def test_a_refused_change_keeps_the_trigger_and_shows_the_errors_on_its_row(admin_client, call_process, pipeline):
    trigger = trigger_create(process_key="call_candidate", kind="deal_created")
    prefix = f"trigger-{trigger.pk}"

    answer = admin_client.post(f"/processes/call_candidate/triggers/{trigger.pk}/",
                               {f"{prefix}-kind": "field_changed", f"{prefix}-is_active": "on"}, **HTMX)

    assert answer.status_code == 200
    row = next(r for r in answer.context["rows"] if r["trigger"].pk == trigger.pk)
    assert row["form"].errors["field"]
    trigger.refresh_from_db()
    assert trigger.kind == "deal_created"


def test_a_trigger_is_removed(admin_client, call_process):
    trigger = trigger_create(process_key="call_candidate", kind="call_received")

    answer = admin_client.post(f"/processes/call_candidate/triggers/{trigger.pk}/remove", **HTMX)

    assert answer.status_code == 200
    assert not ProcessTrigger.objects.exists()
    assert 'id="triggers-none"' in answer.content.decode()


def test_a_trigger_is_reached_only_through_its_own_process(admin_client, call_process, admin_user):
    from podbor.automation.services import process_deploy

    process_deploy(xml=call_diagram().replace('id="call_candidate"', 'id="other_process"'), actor=admin_user)
    trigger = trigger_create(process_key="other_process", kind="call_received")

    assert admin_client.post(f"/processes/call_candidate/triggers/{trigger.pk}/remove").status_code == 404
    assert admin_client.post("/processes/no_such_process/triggers/add", {"new-kind": "deal_created"}).status_code \
        == 404
    assert ProcessTrigger.objects.filter(pk=trigger.pk).exists()


@pytest.mark.parametrize("who", ["manager_a", "lead_a"])
def test_only_an_administrator_edits_triggers(client, call_process, request, who):
    user = request.getfixturevalue(who)
    trigger = trigger_create(process_key="call_candidate", kind="call_received")
    assert client.login(username=user.username, password=PASSWORD)

    assert client.get("/processes/call_candidate/triggers/").status_code == 403
    assert client.post("/processes/call_candidate/triggers/add", {"new-kind": "deal_created"}).status_code == 403
    assert client.post(f"/processes/call_candidate/triggers/{trigger.pk}/",
                       {f"trigger-{trigger.pk}-kind": "deal_created"}).status_code == 403
    assert client.post(f"/processes/call_candidate/triggers/{trigger.pk}/remove").status_code == 403
    assert list(ProcessTrigger.objects.values_list("kind", flat=True)) == ["call_received"]
