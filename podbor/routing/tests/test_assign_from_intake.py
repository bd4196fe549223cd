import json

import pytest

from podbor.crm.models import Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create
from podbor.routing.models import Assignment
from podbor.routing.tests.distribution import manager, rule


@pytest.fixture
def post_response(client, django_capture_on_commit_callbacks):
    def post(source, token, payload):
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(f"/api/v1/intake/{source.slug}?token={token}", json.dumps(payload),
                                 content_type="application/json")
        return InboundEvent.objects.get(pk=answer.json()["event"])

    return post


def test_a_new_lead_from_intake_gets_a_manager_by_the_rules(pipeline, post_response):
    maria = manager("maria")
    rule(pipeline, [maria])
    source, token = source_create(name="Сайт", kind="generic", pipeline=pipeline)

    event = post_response(source, token, {"full_name": "Смирнова Ольга", "phones": ["+7 916 555-12-34"]})

    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.responsible_id == maria.pk
    assert Assignment.objects.get(deal=deal).user_id == maria.pk


def test_a_lead_closed_as_not_relevant_is_not_assigned(pipeline, post_response):
    maria = manager("maria")
    rule(pipeline, [maria])
    source, token = source_create(name="Сайт", kind="generic", pipeline=pipeline,
                                  relevance={"allowed_cities": ["Москва"]})

    event = post_response(source, token, {"full_name": "Смирнова Ольга", "phones": ["+7 916 555-12-34"],
                                          "city": "Тверь"})

    deal = Deal.objects.get(pk=event.deal_id)
    assert deal.closed_at is not None
    assert deal.responsible_id is None
    assert not Assignment.objects.filter(deal=deal).exists()
