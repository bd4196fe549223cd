from podbor.conftest import stage_named
from podbor.crm.models import Deal
from podbor.crm.services import company_create

DEAL_KEYS = {"id", "title", "pipeline", "stage", "contact", "company", "responsible", "team", "source",
             "budget_planned", "budget_actual", "parent", "children", "custom", "stage_entered_at", "closed_at",
             "lost_reason", "created_at", "updated_at"}


def test_a_deal_without_a_stage_starts_on_the_first_open_one_and_is_answered_whole(
    api_as, manager_a, pipeline, contact_a
):
    response = api_as(manager_a).post("/deals", {"pipeline": pipeline.pk, "contact": contact_a.pk,
                                                 "budget_planned": "150000.50", "source": "hh.ru"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= DEAL_KEYS
    assert body["stage"] == stage_named(pipeline, "Новый отклик").pk
    assert body["title"] == "Иванов Иван"  # taken from the contact
    assert body["responsible"] == manager_a.pk
    assert body["source"] == "hh.ru"
    assert body["budget_planned"] == "150000.50"  # money travels as a string, exact to the kopeck
    assert Deal.objects.get(pk=body["id"]).contact == contact_a


def test_a_deal_can_start_on_a_chosen_stage_under_a_parent(api_as, manager_a, pipeline, deal_a):
    stage = stage_named(pipeline, "Квалификация")
    body = api_as(manager_a).post("/deals", {"title": "Второй этап", "pipeline": pipeline.pk, "stage": stage.pk,
                                             "parent": deal_a.pk, "custom": {"interview_date": "2026-12-01"}}).json()
    assert (body["stage"], body["parent"], body["custom"]) == (stage.pk, deal_a.pk, {"interview_date": "2026-12-01"})
    assert api_as(manager_a).get(f"/deals/{deal_a.pk}").json()["children"] == [body["id"]]


def test_invisible_or_unknown_references_are_field_errors_and_create_nothing(
    api_as, manager_a, manager_b, pipeline, contact_b, deal_b
):
    hidden_company = company_create(actor=manager_b, name="ООО Бета")
    response = api_as(manager_a).post("/deals", {
        "title": "Попытка", "pipeline": pipeline.pk, "stage": 987654, "contact": contact_b.pk,
        "company": hidden_company.pk, "responsible": manager_b.pk, "parent": deal_b.pk,
    })
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"stage", "contact", "company", "responsible", "parent"}
    assert Deal.objects.count() == 1


def test_an_unknown_pipeline_is_a_field_error(api_as, manager_a, pipeline):
    response = api_as(manager_a).post("/deals", {"title": "x", "pipeline": 987654})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["pipeline"]


def test_a_deal_without_title_or_contact_is_refused(api_as, manager_a, pipeline):
    response = api_as(manager_a).post("/deals", {"pipeline": pipeline.pk})
    assert response.status_code == 400
    assert "title" in response.json()["fields"]
    assert not Deal.objects.exists()


def test_patch_changes_only_the_fields_sent(api_as, manager_a, manager_a2, deal_a):
    response = api_as(manager_a).patch(f"/deals/{deal_a.pk}", {"responsible": manager_a2.pk, "budget_actual": 90000})
    assert response.status_code == 200
    body = response.json()
    assert (body["responsible"], body["title"]) == (manager_a2.pk, "Иванов — кассир")
    assert body["contact"] == deal_a.contact_id
    deal_a.refresh_from_db()
    assert deal_a.budget_actual == 90000


def test_patch_refuses_the_stage_which_changes_only_by_a_move(api_as, manager_a, deal_a, pipeline):
    response = api_as(manager_a).patch(f"/deals/{deal_a.pk}", {"stage": stage_named(pipeline, "Работает").pk})
    assert response.status_code == 400
    assert "stage" in response.json()["fields"]
    deal_a.refresh_from_db()
    assert deal_a.stage.name == "Новый отклик"
