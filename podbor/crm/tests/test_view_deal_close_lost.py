from django.urls import reverse

from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_closing_as_lost_needs_a_reason_and_records_it(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    url = reverse("crm-deal-lost", args=[deal.pk])

    refused = client.post(url, {}, **HTMX)
    assert refused.status_code == 200 and "field__error" in refused.content.decode()
    deal.refresh_from_db()
    assert deal.closed_at is None

    reason = pipeline.lost_reasons.get(name="Не дозвонились")
    closed = client.post(url, {"lost_reason": reason.pk}, **HTMX)
    assert closed.status_code == 200
    deal.refresh_from_db()
    assert (deal.stage.name, deal.lost_reason, deal.closed_at is not None) == ("Отказ", reason, True)
    assert "Не дозвонились" in closed.content.decode()


def test_a_reason_of_another_pipeline_is_refused(client, pipeline, manager_a):
    from podbor.crm.models import LostReason, Pipeline

    other = LostReason.objects.create(pipeline=Pipeline.objects.create(name="Клиенты"), name="Дорого")
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    client.post(reverse("crm-deal-lost", args=[deal.pk]), {"lost_reason": other.pk}, **HTMX)
    deal.refresh_from_db()
    assert deal.closed_at is None
