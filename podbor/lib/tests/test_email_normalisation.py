import pytest

from podbor.lib.names import email_is_valid, email_normalize


def test_an_email_is_trimmed_and_lower_cased():
    assert email_normalize("  Ivan.Petrov@Mail.RU ") == "ivan.petrov@mail.ru"


def test_a_missing_email_normalises_to_empty():
    assert email_normalize(None) == ""


@pytest.mark.parametrize("email", ["ivan@mail.ru", "a.b+c@sub.yandex.ru", "иван@почта.рф"])
def test_ordinary_addresses_are_valid(email):
    assert email_is_valid(email)


@pytest.mark.parametrize("email", ["", "ivan", "ivan@mail", "ivan @mail.ru", "a@b@c.ru", "@mail.ru"])
def test_broken_addresses_are_invalid(email):
    assert not email_is_valid(email)
