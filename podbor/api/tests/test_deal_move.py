from podbor.conftest import stage_named
from podbor.crm.models import Deal, StageChange, TimelineEntry
from podbor.events.models import DomainEvent


def test_a_move_refused_by_the_guard_is_a_422_listing_the_missing_fields_and_changes_nothing(
    api_as, manager_a, deal_a, pipeline
):
    events_before = DomainEvent.objects.count()
    target = stage_named(pipeline, "Собеседование назначено")
    response = api_as(manager_a).post(f"/deals/{deal_a.pk}/move", {"stage": target.pk})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "stage_guard_failed"
    assert list(body["fields"]) == ["custom.interview_date"]
    assert [m["field"] for m in body["missing"]] == ["custom.interview_date"]
    assert body["missing"][0]["label"] == "Дата собеседования"
    assert body["missing"][0]["message"]
    deal_a.refresh_from_db()
    assert deal_a.stage.name == "Новый отклик"
    assert StageChange.objects.filter(deal=deal_a).count() == 1
    assert DomainEvent.objects.count() == events_before


def test_the_move_passes_once_the_field_is_filled(api_as, manager_a, deal_a, pipeline):
    api = api_as(manager_a)
    target = stage_named(pipeline, "Собеседование назначено")
    assert api.patch(f"/deals/{deal_a.pk}", {"custom": {"interview_date": "01.12.2026"}}).status_code == 200
    response = api.post(f"/deals/{deal_a.pk}/move", {"stage": target.pk})
    assert response.status_code == 200
    assert response.json()["stage"] == target.pk
    assert TimelineEntry.objects.filter(deal=deal_a, kind=TimelineEntry.Kind.STAGE).exists()


def test_moving_to_a_lost_stage_needs_a_reason(api_as, manager_a, deal_a, pipeline):
    lost = stage_named(pipeline, "Отказ")
    api = api_as(manager_a)
    refused = api.post(f"/deals/{deal_a.pk}/move", {"stage": lost.pk})
    assert refused.status_code == 400
    assert "lost_reason" in refused.json()["fields"]
    reason = pipeline.lost_reasons.get(name="Не подходит")
    body = api.post(f"/deals/{deal_a.pk}/move", {"stage": lost.pk, "lost_reason": reason.pk}).json()
    assert (body["stage"], body["lost_reason"], body["is_open"]) == (lost.pk, reason.pk, False)


def test_a_stage_of_another_pipeline_or_an_unknown_one_is_a_400(api_as, manager_a, deal_a):
    response = api_as(manager_a).post(f"/deals/{deal_a.pk}/move", {"stage": 987654})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["stage"]


def test_lose_closes_the_deal_with_its_reason(api_as, manager_a, deal_a, pipeline):
    reason = pipeline.lost_reasons.first()
    response = api_as(manager_a).post(f"/deals/{deal_a.pk}/lose", {"lost_reason": reason.pk})
    assert response.status_code == 200
    deal_a.refresh_from_db()
    assert (deal_a.stage.name, deal_a.lost_reason, deal_a.closed_at is not None) == ("Отказ", reason, True)


def test_lose_without_a_reason_is_a_400_and_the_deal_stays_open(api_as, manager_a, deal_a):
    response = api_as(manager_a).post(f"/deals/{deal_a.pk}/lose", {})
    assert response.status_code == 400
    assert "lost_reason" in response.json()["fields"]
    assert Deal.objects.get(pk=deal_a.pk).closed_at is None


def test_link_sets_and_clears_the_parent_and_refuses_a_loop(api_as, manager_a, pipeline, deal_a):
    api = api_as(manager_a)
    child = api.post("/deals", {"title": "Дочерняя", "pipeline": pipeline.pk}).json()
    assert api.post(f"/deals/{child['id']}/link", {"parent": deal_a.pk}).json()["parent"] == deal_a.pk
    loop = api.post(f"/deals/{deal_a.pk}/link", {"parent": child["id"]})
    assert loop.status_code == 400
    assert "parent" in loop.json()["fields"]
    assert api.post(f"/deals/{child['id']}/link", {"parent": None}).json()["parent"] is None


def test_the_deal_timeline_is_newest_first_and_paginated(api_as, manager_a, deal_a, pipeline):
    api = api_as(manager_a)
    api.post(f"/deals/{deal_a.pk}/move", {"stage": stage_named(pipeline, "Квалификация").pk})
    api.post("/notes", {"deal": deal_a.pk, "text": "Перезвонить"})
    body = api.get(f"/deals/{deal_a.pk}/timeline", {"limit": 2}).json()
    assert body["count"] == 3
    assert [e["kind"] for e in body["items"]] == ["note", "stage"]
    assert body["items"][0]["author"] == manager_a.pk
    assert {"kind", "text", "author", "created_at", "data"} <= set(body["items"][1])
