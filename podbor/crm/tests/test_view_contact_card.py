from django.urls import reverse

from podbor.crm.services import contact_create, deal_create, note_add

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_contact_card_shows_data_deals_and_history(client, pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван", phones=["89991234567"], city="Казань")
    deal = deal_create(actor=manager_a, title="Кассир в ТЦ", pipeline=pipeline, contact=contact)
    note_add(actor=manager_a, text="Просил звонить вечером", deal=deal)
    client.force_login(manager_a)

    html = client.get(reverse("crm-contact", args=[contact.pk])).content.decode()

    assert "+7 999 123-45-67" in html and "Казань" in html
    assert reverse("crm-deal", args=[deal.pk]) in html and "Кассир в ТЦ" in html
    assert "Просил звонить вечером" in html


def test_contact_data_is_edited_and_a_bad_email_is_shown(client, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван", phones=["89991234567"])
    client.force_login(manager_a)
    url = reverse("crm-contact-save", args=[contact.pk])
    data = {"last_name": "Иванов", "first_name": "Иван", "middle_name": "Петрович",
            "phones": "89991234567\n+7 912 000-11-22", "emails": "", "city": "Пермь", "address": "",
            "gender": "m", "birth_date": "1990-04-01", "source": ""}

    saved = client.post(url, data, **HTMX)
    assert saved.status_code == 200 and "timeline-changed" in saved["HX-Trigger"]
    contact.refresh_from_db()
    assert (contact.middle_name, contact.city, contact.gender) == ("Петрович", "Пермь", "m")
    assert [p.e164 for p in contact.phones.all()] == ["+79991234567", "+79120001122"]

    refused = client.post(url, data | {"emails": "не почта", "city": "Омск"}, **HTMX)
    assert refused.status_code == 200
    assert "field__error" in refused.content.decode() and 'value="Омск"' in refused.content.decode()
    contact.refresh_from_db()
    assert contact.city == "Пермь"


def test_another_teams_contact_is_not_found(client, manager_a, manager_b):
    theirs = contact_create(actor=manager_b, full_name="Чужой Контакт")
    client.force_login(manager_a)
    assert client.get(reverse("crm-contact", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("crm-contact-save", args=[theirs.pk]), {"city": "X"}).status_code == 404


def test_the_card_lists_possible_duplicates_the_user_may_see(client, manager_a, manager_b):
    from podbor.crm.models import PossibleDuplicate

    contact = contact_create(actor=manager_a, full_name="Иванова Юлия")
    twin = contact_create(actor=manager_a, full_name="Ivanova Yulia")
    hidden = contact_create(actor=manager_b, full_name="Иванова Юля")
    PossibleDuplicate.objects.create(contact=twin, other=contact, reason="same name", score=90)
    PossibleDuplicate.objects.create(contact=contact, other=hidden, reason="same name", score=80)
    client.force_login(manager_a)

    html = client.get(reverse("crm-contact", args=[contact.pk])).content.decode()

    assert reverse("crm-contact", args=[twin.pk]) in html
    assert reverse("crm-contact", args=[hidden.pk]) not in html
