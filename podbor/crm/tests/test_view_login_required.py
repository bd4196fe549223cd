from django.urls import reverse

from podbor.crm.services import contact_create, deal_create


def test_deal_contact_and_move_need_a_login_too(client, pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    deal = deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)
    for url in (reverse("crm-deal", args=[deal.pk]), reverse("crm-contact", args=[contact.pk])):
        assert client.get(url)["Location"].startswith(reverse("accounts-login"))
    response = client.post(reverse("crm-deal-move", args=[deal.pk]), {"stage": pipeline.stages.last().pk})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.stage.name == "Новый отклик"
