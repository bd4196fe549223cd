"""The filters' admin pages: create a filter, rebalance every share at once, and see the refusals as form errors."""

import pytest
from django.urls import reverse

from podbor.conftest import PASSWORD
from podbor.routing.models import CallListFilter
from podbor.routing.tests.calllist_world import a_filter, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, admin_user, pipeline, manager_a):
    leads(1, actor=manager_a, pipeline=pipeline, source="hh.ru")
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def _filter_form(pipeline, **values) -> dict:
    return {"name": "hh.ru", "pipeline": pipeline.pk, "sources": "hh.ru", "weight": 100, "order": 0,
            "is_active": "on"} | values


def test_an_admin_creates_a_filter_from_the_page(admin_client_, pipeline):
    response = admin_client_.post(reverse("routing-call-filter-new"), _filter_form(pipeline))

    assert response.status_code == 302
    assert CallListFilter.objects.get().sources == ["hh.ru"]


def test_a_filter_matching_nothing_shows_the_error_under_its_field(admin_client_, pipeline):
    response = admin_client_.post(reverse("routing-call-filter-new"), _filter_form(pipeline, sources="hh.ry"))

    assert response.status_code == 200
    assert "sources" in response.context["form"].errors
    assert not CallListFilter.objects.exists()


def test_every_share_is_saved_at_once_and_a_wrong_total_is_refused(admin_client_, pipeline):
    first = a_filter(pipeline, weight=100)
    second = a_filter(pipeline, weight=0, name="Второй", is_active=False)
    url = reverse("routing-call-filters-shares")

    refused = admin_client_.post(url, {f"weight_{first.pk}": 70, f"active_{first.pk}": "on",
                                       f"weight_{second.pk}": 20, f"active_{second.pk}": "on"})
    saved = admin_client_.post(url, {f"weight_{first.pk}": 70, f"active_{first.pk}": "on",
                                     f"weight_{second.pk}": 30, f"active_{second.pk}": "on"})

    assert refused.status_code == 400 and refused.context["active_total"] == 90
    assert saved.status_code == 302
    assert sorted(CallListFilter.objects.values_list("weight", "is_active")) == [(30, True), (70, True)]


def test_managers_do_not_see_the_filters_pages(client, manager_a):
    client.login(username=manager_a.username, password=PASSWORD)

    assert client.get(reverse("routing-call-filters")).status_code == 403


def test_the_list_and_a_filters_page_show_it_prefilled(admin_client_, pipeline):
    call_filter = a_filter(pipeline, sources=["hh.ru"], tags=["склад"])

    listing = admin_client_.get(reverse("routing-call-filters"))
    edit = admin_client_.get(reverse("routing-call-filter-edit", args=[call_filter.pk]))

    assert listing.status_code == 200 and f'data-filter="{call_filter.pk}"'.encode() in listing.content
    assert edit.status_code == 200
    assert edit.context["form"]["sources"].value() == "hh.ru"
    assert edit.context["form"]["tags"].value() == "склад"
