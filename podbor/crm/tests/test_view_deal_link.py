from django.urls import reverse

from podbor.crm.services import deal_create

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_deals_are_linked_and_unlinked_from_the_card(client, pipeline, manager_a):
    parent = deal_create(actor=manager_a, title="Проект: кассиры", pipeline=pipeline)
    child = deal_create(actor=manager_a, title="Иванов — кассир", pipeline=pipeline)
    client.force_login(manager_a)

    linked = client.post(reverse("crm-deal-link", args=[child.pk]), {"parent": parent.pk}, **HTMX)
    assert linked.status_code == 200
    child.refresh_from_db()
    assert child.parent == parent
    assert "Проект: кассиры" in linked.content.decode()
    assert "Иванов — кассир" in client.get(reverse("crm-deal", args=[parent.pk])).content.decode()

    unlinked = client.post(reverse("crm-deal-unlink", args=[child.pk]), {"shown": parent.pk}, **HTMX)
    assert unlinked.status_code == 200
    child.refresh_from_db()
    assert child.parent is None


def test_a_loop_or_an_invisible_parent_is_refused(client, pipeline, manager_a, manager_b):
    parent = deal_create(actor=manager_a, title="Проект", pipeline=pipeline)
    child = deal_create(actor=manager_a, title="Кандидат", pipeline=pipeline, parent=parent)
    theirs = deal_create(actor=manager_b, title="Чужая", pipeline=pipeline)
    client.force_login(manager_a)

    loop = client.post(reverse("crm-deal-link", args=[parent.pk]), {"parent": child.pk}, **HTMX)
    assert loop.status_code == 200 and "field__error" in loop.content.decode()
    hidden = client.post(reverse("crm-deal-link", args=[child.pk]), {"parent": theirs.pk}, **HTMX)
    assert hidden.status_code == 200 and "field__error" in hidden.content.decode()
    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.parent is None and child.parent == parent
