from podbor.crm.models import Pipeline


def test_pipelines_come_with_their_stages_and_lost_reasons(api_as, manager_a, pipeline):
    Pipeline.objects.create(name="Старая", is_archived=True)
    body = api_as(manager_a).get("/pipelines").json()
    assert body["count"] == 1
    [listed] = body["items"]
    assert listed["name"] == "Кандидаты"
    assert [s["name"] for s in listed["stages"]][:2] == ["Новый отклик", "Квалификация"]
    guarded = listed["stages"][2]
    assert guarded["required_fields"] == ["interview_date"]
    assert set(guarded) >= {"id", "name", "kind", "order", "required_fields", "target_seconds"}
    assert [r["name"] for r in listed["lost_reasons"]] == ["Не дозвонились", "Не подходит"]


def test_one_pipeline_by_id(api_as, manager_a, pipeline):
    api = api_as(manager_a)
    assert api.get(f"/pipelines/{pipeline.pk}").json()["id"] == pipeline.pk
    assert api.get("/pipelines/987654").status_code == 404
