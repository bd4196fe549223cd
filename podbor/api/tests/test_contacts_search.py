import pytest

from podbor.crm.services import contact_create


@pytest.fixture
def others(manager_a):
    contact_create(actor=manager_a, full_name="Петров Пётр", phones=["+7 912 0001122"], emails=["petr@example.com"])


@pytest.mark.parametrize("q", ["8 (999) 123-45-67", "+79991234567", "9991234567", "123-45-67"])
def test_a_phone_in_any_format_finds_the_contact(api_as, manager_a, contact_a, others, q):
    body = api_as(manager_a).get("/contacts", {"q": q}).json()
    assert [c["id"] for c in body["items"]] == [contact_a.pk]
    assert body["count"] == 1


def test_an_email_in_other_case_finds_the_contact(api_as, manager_a, contact_a, others):
    body = api_as(manager_a).get("/contacts", {"q": " IVAN@example.COM "}).json()
    assert [c["id"] for c in body["items"]] == [contact_a.pk]


def test_a_part_of_the_name_finds_the_contact(api_as, manager_a, contact_a, others):
    body = api_as(manager_a).get("/contacts", {"q": "иванов"}).json()
    assert [c["id"] for c in body["items"]] == [contact_a.pk]


def test_search_does_not_reach_another_teams_contacts(api_as, manager_a, contact_b):
    body = api_as(manager_a).get("/contacts", {"q": "+7 916 555-00-11"}).json()
    assert body == {"items": [], "count": 0}
