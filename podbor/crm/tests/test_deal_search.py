import pytest

from podbor.crm.models import Deal
from podbor.crm.selectors import deals_search
from podbor.crm.services import contact_create, deal_create


@pytest.fixture
def deals(pipeline, admin_user):
    ivan = contact_create(actor=admin_user, full_name="Иванов Иван", phones=["89991234567"], emails=["ivan@mail.ru"])
    deal_create(actor=admin_user, title="Кассир в Пятёрочку", pipeline=pipeline, contact=ivan)
    deal_create(actor=admin_user, title="Повар, смена 2024-05", pipeline=pipeline)
    deal_create(actor=admin_user, title="Грузчик", pipeline=pipeline,
                contact=contact_create(actor=admin_user, full_name="Сидоров Олег"))


def _found(q):
    return sorted(deals_search(Deal.objects.all(), q).values_list("title", flat=True))


@pytest.mark.parametrize("q", ["кассир", "КАССИР", "Кассир", "пятёрочку"])
def test_a_deal_is_found_by_its_title_whatever_the_case(deals, q):
    assert _found(q) == ["Кассир в Пятёрочку"]


@pytest.mark.parametrize("q", ["+7 999 123-45-67", "8 (999) 1234567", "123-45-67", "IVAN@mail.ru", "иванов"])
def test_a_deal_is_found_by_its_contacts_phone_email_or_name(deals, q):
    assert _found(q) == ["Кассир в Пятёрочку"]


def test_a_title_with_digits_is_still_found_by_them(deals):
    assert _found("2024-05") == ["Повар, смена 2024-05"]
