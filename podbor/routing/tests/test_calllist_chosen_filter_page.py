"""On "My call list" the manager chooses a filter; the page shows it, keeps it selected for the next "New list",
and every later list uses it. A filter gone meanwhile means all their filters, without an error."""

import pytest
from django.urls import reverse

from podbor.conftest import PASSWORD
from podbor.routing.models import CallList
from podbor.routing.tests.calllist_world import a_filter, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client, settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 2
    hh = a_filter(pipeline, name="hh", weight=50, sources=["hh.ru"])
    site = a_filter(pipeline, name="Сайт", weight=50, sources=["site"])
    leads(3, actor=manager_a, pipeline=pipeline, source="hh.ru")
    leads(3, actor=manager_a, pipeline=pipeline, source="site")
    client.login(username=manager_a.username, password=PASSWORD)
    return client, hh, site


def _current(user) -> CallList:
    return CallList.objects.get(user=user, closed_at__isnull=True)


def test_a_filter_chosen_on_the_page_is_shown_and_stays_selected(world, manager_a):
    client, _hh, site = world

    response = client.post(reverse("routing-call-list-rebuild"), {"filter": site.pk}, follow=True)

    assert response.status_code == 200
    assert _current(manager_a).chosen_filter == site
    assert response.context["call_list"].chosen_filter == site
    assert response.context["rebuild_form"]["filter"].value() == site.pk
    html = response.content.decode()
    assert f'id="call-list-filter" data-filter="{site.pk}"' in html
    assert f'<option value="{site.pk}" selected>' in html


def test_new_list_with_the_same_filter_keeps_it_and_all_filters_forgets_it(world, manager_a):
    client, _hh, site = world
    client.post(reverse("routing-call-list-rebuild"), {"filter": site.pk})

    client.post(reverse("routing-call-list-rebuild"), {"filter": site.pk})
    assert (_current(manager_a).why, _current(manager_a).chosen_filter) == ("asked", site)

    response = client.post(reverse("routing-call-list-rebuild"), {"filter": ""}, follow=True)
    assert _current(manager_a).chosen_filter is None
    assert 'id="call-list-filter" data-filter=""' in response.content.decode()


def test_a_filter_deactivated_before_the_post_falls_back_to_all_filters(world, manager_a):
    client, hh, site = world
    site.is_active = False
    site.save()

    response = client.post(reverse("routing-call-list-rebuild"), {"filter": site.pk})

    assert response.status_code == 302
    call_list = _current(manager_a)
    assert call_list.chosen_filter is None
    assert set(call_list.items.values_list("deal__source", flat=True)) == {"hh.ru"}
