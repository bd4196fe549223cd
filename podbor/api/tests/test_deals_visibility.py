import pytest

from podbor.conftest import stage_named
from podbor.crm.models import Contact, Deal, StageChange


def test_a_manager_does_not_see_another_teams_deals_in_the_list(api_as, manager_a, deal_a, deal_b):
    api = api_as(manager_a)
    assert [d["id"] for d in api.get("/deals").json()["items"]] == [deal_a.pk]
    assert api.get("/deals", {"responsible": deal_b.responsible_id}).json() == {"items": [], "count": 0}
    assert api.get("/deals", {"q": "Борисов"}).json()["count"] == 0


def test_a_teammate_sees_the_teams_deals(api_as, manager_a2, deal_a):
    assert [d["id"] for d in api_as(manager_a2).get("/deals").json()["items"]] == [deal_a.pk]


def test_an_admin_sees_every_teams_deals(api_as, admin_user, deal_a, deal_b):
    body = api_as(admin_user).get("/deals").json()
    assert {d["id"] for d in body["items"]} == {deal_a.pk, deal_b.pk}


@pytest.mark.parametrize("suffix", ["", "/timeline", "/notes"])
def test_reading_another_teams_deal_is_a_404(api_as, manager_a, deal_b, suffix):
    response = api_as(manager_a).get(f"/deals/{deal_b.pk}{suffix}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_patching_another_teams_deal_is_a_404_and_changes_nothing(api_as, manager_a, deal_b):
    response = api_as(manager_a).patch(f"/deals/{deal_b.pk}", {"title": "Чужая"})
    assert response.status_code == 404
    deal_b.refresh_from_db()
    assert deal_b.title == "Борисов — грузчик"


def test_moving_another_teams_deal_is_a_404_and_changes_nothing(api_as, manager_a, deal_b, pipeline):
    target = stage_named(pipeline, "Квалификация")
    api = api_as(manager_a)
    assert api.post(f"/deals/{deal_b.pk}/move", {"stage": target.pk}).status_code == 404
    lost = {"lost_reason": pipeline.lost_reasons.first().pk}
    assert api.post(f"/deals/{deal_b.pk}/lose", lost).status_code == 404
    assert api.post(f"/deals/{deal_b.pk}/link", {"parent": None}).status_code == 404
    deal_b.refresh_from_db()
    assert (deal_b.stage.name, deal_b.closed_at) == ("Новый отклик", None)
    assert StageChange.objects.filter(deal=deal_b).count() == 1


def test_another_teams_contact_is_a_404_on_read_and_patch(api_as, manager_a, contact_b):
    api = api_as(manager_a)
    assert api.get(f"/contacts/{contact_b.pk}").status_code == 404
    assert api.get(f"/contacts/{contact_b.pk}/timeline").status_code == 404
    assert api.patch(f"/contacts/{contact_b.pk}", {"city": "Тула"}).status_code == 404
    assert Contact.objects.get(pk=contact_b.pk).city == ""


def test_another_teams_deal_cannot_be_named_as_a_parent(api_as, manager_a, deal_a, deal_b):
    response = api_as(manager_a).post(f"/deals/{deal_a.pk}/link", {"parent": deal_b.pk})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["parent"]
    assert Deal.objects.get(pk=deal_a.pk).parent_id is None
