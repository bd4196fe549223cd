from django.urls import reverse

from podbor.crm.models import TimelineEntry
from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_note_lands_in_the_deal_history(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)

    response = client.post(reverse("crm-deal-note", args=[deal.pk]), {"text": "Перезвонить после 18:00"}, **HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "timeline-changed"
    note = TimelineEntry.objects.get(deal=deal, kind=TimelineEntry.Kind.NOTE)
    assert (note.text, note.author) == ("Перезвонить после 18:00", manager_a)


def test_an_empty_note_is_refused_on_the_form(client, pipeline, manager_a):
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-note", args=[deal.pk]), {"text": "  "}, **HTMX)
    assert response.status_code == 200
    assert "field__error" in response.content.decode()
    assert not TimelineEntry.objects.filter(deal=deal, kind=TimelineEntry.Kind.NOTE).exists()
