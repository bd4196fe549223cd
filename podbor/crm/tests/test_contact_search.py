import pytest

from podbor.crm.models import Contact
from podbor.crm.selectors import contacts_search
from podbor.crm.services import contact_create


@pytest.fixture
def people(admin_user):
    contact_create(actor=admin_user, full_name="Семёнов Пётр Ильич", phones=["8 (999) 123-45-67"],
                   emails=["Petr.Semenov@Mail.ru"])
    contact_create(actor=admin_user, full_name="Петрова Анна", phones=["+7 916 765-43-21"])
    contact_create(actor=admin_user, full_name="Смит Джон", phones=["+44 20 7946 0958"], emails=["john@smith.uk"])


def _found(q):
    return sorted(contacts_search(Contact.objects.all(), q).values_list("last_name", flat=True))


@pytest.mark.parametrize(
    "q", ["+79991234567", "8 999 123 45 67", "9991234567", "+7 (999) 123-45-67", "89991234567", "123-45-67"]
)
def test_a_phone_is_found_in_any_format_and_by_its_tail(people, q):
    assert _found(q) == ["Семёнов"]


def test_a_foreign_phone_is_found(people):
    assert _found("+44 20 7946 0958") == ["Смит"]


def test_an_email_is_found_whatever_its_case(people):
    assert _found("  PETR.semenov@mail.RU ") == ["Семёнов"]
    assert _found("petr@mail.ru") == []


@pytest.mark.parametrize("q", ["семенов", "Пётр Семёнов", "ильич семенов", "СЕМЁ", "ильич пётр"])
def test_name_parts_match_in_any_order_and_with_yo_folded(people, q):
    assert _found(q) == ["Семёнов"]


def test_a_common_part_finds_everyone_who_has_it(people):
    assert _found("пет") == ["Петрова", "Семёнов"]


def test_an_empty_query_finds_everyone(people):
    assert len(_found("  ")) == 3
