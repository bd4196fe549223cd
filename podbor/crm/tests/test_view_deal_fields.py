from django.urls import reverse

from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form(deal, **changes):
    return {"title": deal.title, "responsible": deal.responsible_id or "", "source": deal.source,
            "budget_planned": "", "budget_actual": "", "custom.interview_date": ""} | changes


def test_deal_fields_and_custom_fields_are_saved(client, pipeline, manager_a, manager_a2):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)

    response = client.post(reverse("crm-deal-fields", args=[deal.pk]), _form(
        deal, title="Кассир, ТЦ Мега", responsible=manager_a2.pk, source="Авито", budget_planned="55000",
        **{"custom.interview_date": "2026-12-01"},
    ), **HTMX)

    assert response.status_code == 200
    deal.refresh_from_db()
    assert (deal.title, deal.responsible, deal.source, deal.budget_planned) == (
        "Кассир, ТЦ Мега", manager_a2, "Авито", 55000)
    assert deal.custom == {"interview_date": "2026-12-01"}
    assert "timeline-changed" in response["HX-Trigger"]


def test_bad_input_is_shown_on_the_form_and_keeps_the_rest(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)

    response = client.post(reverse("crm-deal-fields", args=[deal.pk]), _form(
        deal, title="", source="Авито", budget_planned="много"), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("field__error") >= 2
    assert 'value="Авито"' in html
    deal.refresh_from_db()
    assert (deal.title, deal.source) == ("Кассир", "")


def test_a_responsible_outside_the_team_is_refused(client, pipeline, manager_a, manager_b):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-fields", args=[deal.pk]), _form(deal, responsible=manager_b.pk), **HTMX)
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.responsible == manager_a
