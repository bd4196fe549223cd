import datetime

import pytest
from django.utils import timezone

from podbor.conftest import stage_named
from podbor.crm.models import Deal, Pipeline, Stage
from podbor.crm.services import deal_close_lost, deal_create, deal_move_to_stage


@pytest.fixture
def deals(pipeline, manager_a, manager_a2, deal_a):
    """deal_a (manager_a, new), a qualified one of manager_a2, a lost one, one in another pipeline."""
    qualified = deal_create(actor=manager_a2, title="Квалифицированный", pipeline=pipeline)
    deal_move_to_stage(deal=qualified, stage=stage_named(pipeline, "Квалификация"), actor=manager_a2)
    lost = deal_create(actor=manager_a, title="Потерянный", pipeline=pipeline)
    deal_close_lost(deal=lost, reason=pipeline.lost_reasons.first(), actor=manager_a)
    other = Pipeline.objects.create(name="Клиенты")
    Stage.objects.create(pipeline=other, name="Лид", order=1)
    elsewhere = deal_create(actor=manager_a, title="Клиентская", pipeline=other)
    return {"new": deal_a, "qualified": qualified, "lost": lost, "elsewhere": elsewhere}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [d["id"] for d in response.json()["items"]]


def test_deals_come_newest_first(api_as, manager_a, deals):
    expected = list(Deal.objects.order_by("-created_at", "-id").values_list("id", flat=True))
    assert ids(api_as(manager_a).get("/deals")) == expected


def test_deals_are_filtered_by_pipeline_and_stage(api_as, manager_a, deals, pipeline):
    api = api_as(manager_a)
    assert deals["elsewhere"].pk not in ids(api.get("/deals", {"pipeline": pipeline.pk}))
    stage = stage_named(pipeline, "Квалификация")
    assert ids(api.get("/deals", {"stage": stage.pk})) == [deals["qualified"].pk]


def test_deals_are_filtered_by_responsible_me_or_an_id(api_as, manager_a, manager_a2, deals):
    api = api_as(manager_a)
    mine = set(ids(api.get("/deals", {"responsible": "me"})))
    assert mine == {deals["new"].pk, deals["lost"].pk, deals["elsewhere"].pk}
    assert ids(api.get("/deals", {"responsible": manager_a2.pk})) == [deals["qualified"].pk]


def test_open_true_and_false_split_the_deals(api_as, manager_a, deals):
    api = api_as(manager_a)
    assert ids(api.get("/deals", {"open": "false"})) == [deals["lost"].pk]
    assert deals["lost"].pk not in ids(api.get("/deals", {"open": "true"}))
    assert len(ids(api.get("/deals", {"open": "true"}))) == 3


def test_updated_since_keeps_only_the_recently_changed(api_as, manager_a, deals):
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Deal.objects.exclude(pk=deals["new"].pk).update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(api_as(manager_a).get("/deals", {"updated_since": since})) == [deals["new"].pk]


def test_q_searches_titles_and_contacts(api_as, manager_a, deals):
    api = api_as(manager_a)
    assert ids(api.get("/deals", {"q": "Квалифицир"})) == [deals["qualified"].pk]
    assert ids(api.get("/deals", {"q": "8 999 123 45 67"})) == [deals["new"].pk]


def test_bad_filters_are_a_400_naming_each(api_as, manager_a, deals):
    response = api_as(manager_a).get("/deals", {"responsible": "boss", "updated_since": "вчера", "open": "может"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"open"}
    response = api_as(manager_a).get("/deals", {"responsible": "boss", "updated_since": "вчера"})
    assert set(response.json()["fields"]) == {"responsible", "updated_since"}
