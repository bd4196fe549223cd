from django.urls import reverse

from podbor.crm.services import contact_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_contacts_are_found_by_a_phone_typed_in_another_format(client, manager_a):
    wanted = contact_create(actor=manager_a, full_name="Смирнова Ольга", phones=["+7 (912) 555-44-33"])
    other = contact_create(actor=manager_a, full_name="Кузнецов Павел", phones=["89120001122"])
    client.force_login(manager_a)

    response = client.post(reverse("crm-contacts"), {"q": "8 912 5554433"}, **HTMX)

    html = response.content.decode()
    assert reverse("crm-contact", args=[wanted.pk]) in html
    assert reverse("crm-contact", args=[other.pk]) not in html
    assert "<html" not in html


def test_contacts_are_found_by_email_and_by_name(client, manager_a):
    contact = contact_create(actor=manager_a, full_name="Ёлкина Алёна", emails=["alena@example.com"])
    client.force_login(manager_a)
    for q in ("ALENA@example.com", "елкина"):
        html = client.post(reverse("crm-contacts"), {"q": q}).content.decode()
        assert reverse("crm-contact", args=[contact.pk]) in html, q


def test_the_list_shows_only_contacts_the_user_may_see(client, manager_a, manager_b):
    mine = contact_create(actor=manager_a, full_name="Свой Контакт")
    theirs = contact_create(actor=manager_b, full_name="Чужой Контакт")
    client.force_login(manager_a)
    html = client.get(reverse("crm-contacts")).content.decode()
    assert reverse("crm-contact", args=[mine.pk]) in html
    assert reverse("crm-contact", args=[theirs.pk]) not in html


def test_the_list_is_paginated_with_the_search_kept_in_the_post(client, manager_a):
    for n in range(55):
        contact_create(actor=manager_a, full_name=f"Кандидат Номер{n}")
    client.force_login(manager_a)
    first = client.post(reverse("crm-contacts"), {"q": "кандидат"}, **HTMX)
    assert len(first.context["page_obj"]) == 50
    second = client.post(reverse("crm-contacts"), {"q": "кандидат", "page": 2}, **HTMX)
    assert len(second.context["page_obj"]) == 5
