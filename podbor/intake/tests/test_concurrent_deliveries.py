"""Deliveries race each other in real threads with their own database connections (SQLite or PostgreSQL)."""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from podbor.crm.models import Contact, Deal
from podbor.intake.models import InboundEvent

pytestmark = pytest.mark.django_db(transaction=True)


def _post_all(source, token, bodies, workers):
    def post(body):
        try:
            return Client().post(f"/api/v1/intake/{source.slug}?token={token}", json.dumps(body),
                                 content_type="application/json").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(post, bodies))


def test_fifty_concurrent_copies_of_one_delivery_create_exactly_one_deal(generic_source):
    body = {"external_id": "hh-777", "full_name": "Гонкина Вера", "phones": ["+7 999 555-00-01"]}
    statuses = _post_all(generic_source, generic_source.test_token, [body] * 50, workers=10)
    assert sorted(set(statuses)) == [200, 202]
    assert statuses.count(202) == 1
    assert InboundEvent.objects.count() == 1
    assert Deal.objects.count() == 1
    assert Contact.objects.count() == 1


def test_twenty_concurrent_different_events_for_one_phone_give_one_contact_and_one_open_deal(generic_source):
    formats = ["8 (999) 555-00-02", "+7 999 5550002", "9995550002", "+7(999)555-00-02"]
    bodies = [{"external_id": f"r-{i}", "full_name": "Гонкин Глеб", "phones": [formats[i % 4]],
               "vacancy": f"Вакансия {i}"} for i in range(20)]
    statuses = _post_all(generic_source, generic_source.test_token, bodies, workers=10)
    assert statuses == [202] * 20
    assert Contact.objects.count() == 1
    assert Deal.objects.filter(closed_at__isnull=True).count() == 1
    outcomes = sorted(InboundEvent.objects.values_list("status", flat=True))
    assert outcomes == ["duplicate"] * 19 + ["processed"]
