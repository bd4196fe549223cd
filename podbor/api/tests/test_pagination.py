import pytest
from django.test import override_settings

from podbor.crm.services import contact_create


@pytest.fixture
def seven_contacts(manager_a):
    return [contact_create(actor=manager_a, full_name=f"Контакт {i}") for i in range(7)]


def test_limit_and_offset_walk_through_the_list_with_the_total_count(api_as, manager_a, seven_contacts):
    api = api_as(manager_a)
    first = api.get("/contacts", {"limit": 3}).json()
    second = api.get("/contacts", {"limit": 3, "offset": 3}).json()
    last = api.get("/contacts", {"limit": 3, "offset": 6}).json()
    assert (first["count"], len(first["items"]), len(second["items"]), len(last["items"])) == (7, 3, 3, 1)
    seen = [c["id"] for page in (first, second, last) for c in page["items"]]
    assert sorted(seen) == sorted(c.pk for c in seven_contacts)


@override_settings(API_PAGE_SIZE_MAX=5)
def test_a_limit_above_the_maximum_is_cut_down_to_it(api_as, manager_a, seven_contacts):
    body = api_as(manager_a).get("/contacts", {"limit": 1000}).json()
    assert (len(body["items"]), body["count"]) == (5, 7)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "many"}, {"offset": -1}])
def test_a_nonsense_limit_or_offset_is_a_400(api_as, manager_a, params):
    response = api_as(manager_a).get("/contacts", params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)


def test_the_default_page_holds_fifty(api_as, manager_a):
    for i in range(52):
        contact_create(actor=manager_a, full_name=f"Контакт {i}")
    body = api_as(manager_a).get("/contacts").json()
    assert (len(body["items"]), body["count"]) == (50, 52)
