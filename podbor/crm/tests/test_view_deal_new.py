from django.urls import reverse

from podbor.crm.models import Contact, Deal
from podbor.crm.services import contact_create


def test_a_new_deal_for_a_new_contact_creates_both(client, pipeline, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-new"), {
        "pipeline": pipeline.pk, "title": "", "source": "Сайт", "responsible": manager_a.pk,
        "contact_name": "сидорова анна", "contact_phone": "8 912 000 11 22",
    })
    deal = Deal.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("crm-deal", args=[deal.pk])
    assert deal.contact.full_name == "Сидорова Анна"
    assert deal.title == "Сидорова Анна"
    assert deal.contact.phones.get().e164 == "+79120001122"


def test_a_new_deal_for_a_found_contact(client, pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван", phones=["+7 999 123-45-67"])
    client.force_login(manager_a)
    found = client.post(reverse("crm-deal-new-contacts"), {"contact_q": "89991234567"}).content.decode()
    assert f'value="{contact.pk}"' in found

    client.post(reverse("crm-deal-new"), {"pipeline": pipeline.pk, "title": "Кассир", "contact": contact.pk})
    assert Deal.objects.get().contact == contact


def test_a_refused_deal_leaves_no_stray_contact_and_keeps_the_form(client, pipeline, manager_a):
    pipeline.stages.update(kind="won")  # no open stage: the deal is refused after the contact was made
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-new"), {
        "pipeline": pipeline.pk, "title": "Кассир", "contact_name": "Петров Пётр", "contact_phone": "89120001122",
    })
    assert response.status_code == 200
    assert 'value="Петров Пётр"' in response.content.decode()
    assert not Contact.objects.exists() and not Deal.objects.exists()


def test_a_bad_phone_is_shown_under_its_field(client, pipeline, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-new"), {
        "pipeline": pipeline.pk, "title": "Кассир", "contact_name": "Петров Пётр", "contact_phone": "12",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["contact_phone"]


def test_another_teams_contact_cannot_be_used(client, pipeline, manager_a, manager_b):
    theirs = contact_create(actor=manager_b, full_name="Чужой Контакт")
    client.force_login(manager_a)
    response = client.post(reverse("crm-deal-new"), {"pipeline": pipeline.pk, "title": "X", "contact": theirs.pk})
    assert response.status_code == 200
    assert not Deal.objects.exists()
