"""The "Team presence" page: who of the team is at work and since when, for team leads and administrators."""

from django.urls import reverse

from podbor.accounts.services import presence_set


def test_a_team_lead_sees_the_team_with_each_ones_presence(client, lead_a, manager_a, manager_a2, manager_b):
    presence_set(user=manager_a, status="at_work")
    presence_set(user=manager_a2, status="pause")
    client.force_login(lead_a)

    response = client.get(reverse("accounts-presence-team"))

    assert response.status_code == 200
    people = {p.pk: p for p in response.context["people"]}
    assert set(people) == {lead_a.pk, manager_a.pk, manager_a2.pk}
    assert response.context["at_work"] == 1
    assert (people[manager_a.pk].presence, people[manager_a.pk].presence_effective_now) == ("at_work", "at_work")
    assert people[manager_a2.pk].presence_effective_now == "pause"
    html = response.content.decode()
    assert f'data-user-id="{manager_a.pk}"' in html
    assert f'data-user-id="{manager_b.pk}"' not in html


def test_the_page_refreshes_its_table_alone_through_htmx(client, lead_a, manager_a):
    client.force_login(lead_a)
    html = client.get(reverse("accounts-presence-team"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and f'data-user-id="{manager_a.pk}"' in html


def test_an_admin_sees_every_team(client, admin_user, manager_a, manager_b):
    client.force_login(admin_user)
    ids = {p.pk for p in client.get(reverse("accounts-presence-team")).context["people"]}
    assert {manager_a.pk, manager_b.pk} <= ids


def test_the_header_links_the_page_for_team_leads_only(client, lead_a, manager_a):
    url = reverse("accounts-presence-team")
    client.force_login(lead_a)
    assert f'href="{url}"' in client.get(reverse("crm-board")).content.decode()
    client.force_login(manager_a)
    assert f'href="{url}"' not in client.get(reverse("crm-board")).content.decode()


def test_a_manager_may_not_open_the_page(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("accounts-presence-team")).status_code == 403
