import pytest

from podbor.lib.phones import looks_like_phone, phone_format, phone_normalize


@pytest.mark.parametrize(
    "typed", ["8 (999) 123-45-67", "+7 999 1234567", "9991234567", "+7(999)123-45-67", "89991234567", "79991234567"]
)
def test_every_russian_way_of_typing_a_mobile_is_one_e164_number(typed):
    phone = phone_normalize(typed)
    assert phone.e164 == "+79991234567"
    assert phone.valid
    assert phone.raw == typed


def test_a_foreign_number_with_a_plus_keeps_its_country():
    phone = phone_normalize("+44 20 7946 0958")
    assert (phone.e164, phone.valid) == ("+442079460958", True)


def test_a_moscow_landline_with_a_trunk_eight_is_normalised():
    assert phone_normalize("8 (495) 123-45-67").e164 == "+74951234567"


def test_an_invalid_number_is_kept_as_entered_and_flagged_invalid():
    phone = phone_normalize("  999 123 45 6 ")
    assert phone.raw == "999 123 45 6"
    assert not phone.valid
    # Long enough to match an exact repeat of the same mistake.
    assert phone.e164 == phone_normalize("999-123-45-6").e164 != ""


@pytest.mark.parametrize("typed", ["12345", "abc", "звонить после 18"])
def test_too_short_or_wordy_input_has_no_normalised_form(typed):
    phone = phone_normalize(typed)
    assert (phone.raw, phone.e164, phone.valid) == (typed, "", False)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_an_empty_phone_is_empty_and_invalid(typed):
    assert phone_normalize(typed) == phone_normalize("") and phone_normalize(typed).e164 == ""
    assert not phone_normalize(typed).valid


def test_a_stored_number_is_formatted_for_reading():
    assert phone_format("+79991234567") == "+7 999 123-45-67"


def test_digits_with_phone_punctuation_look_like_a_phone_but_names_do_not():
    assert looks_like_phone("123-45-67")
    assert looks_like_phone("+7 (999) 123-45-67")
    assert not looks_like_phone("Иванов")
    assert not looks_like_phone("12-34")
