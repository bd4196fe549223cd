import pytest
from django.urls import reverse

from podbor.crm.services import contact_create, deal_create, note_add


@pytest.fixture
def deal(pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван", phones=["8 (999) 123-45-67"],
                             emails=["Ivan@Example.com"], city="Казань")
    return deal_create(actor=manager_a, title="Иванов — кассир", pipeline=pipeline, contact=contact, source="hh.ru")


def test_the_deal_card_shows_contact_fields_stages_and_history(client, deal, manager_a):
    note_add(actor=manager_a, text="Готов выйти с понедельника", deal=deal)
    client.force_login(manager_a)

    response = client.get(reverse("crm-deal", args=[deal.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("crm-contact", args=[deal.contact_id]) in html
    assert "+7 999 123-45-67" in html and 'data-copy="+79991234567"' in html
    assert "Ivan@Example.com" in html and "Казань" in html
    assert 'name="custom.interview_date"' in html
    assert "Квалификация" in html  # the stage bar
    assert "Готов выйти с понедельника" in html
    timeline = html[html.index('id="deal-timeline"'):]
    assert timeline.index("Готов выйти") < timeline.index("Новый отклик")  # newest first


def test_another_teams_deal_is_not_found(client, deal, manager_b):
    client.force_login(manager_b)
    assert client.get(reverse("crm-deal", args=[deal.pk])).status_code == 404
    assert client.get(reverse("crm-deal-part", args=[deal.pk, "timeline"])).status_code == 404


def test_each_part_of_the_card_can_be_reloaded_alone(client, deal, manager_a):
    client.force_login(manager_a)
    for part, marker in [("head", 'id="deal-head"'), ("fields", 'id="deal-fields"'), ("links", 'id="deal-links"'),
                         ("timeline", 'id="deal-timeline"'), ("tasks", 'id="deal-tasks"'), ("note", 'id="deal-note"')]:
        response = client.get(reverse("crm-deal-part", args=[deal.pk, part]))
        assert response.status_code == 200
        assert marker in response.content.decode()
        assert "<html" not in response.content.decode()
    assert client.get(reverse("crm-deal-part", args=[deal.pk, "nothing"])).status_code == 404
