"""Columns are guessed from Russian and English headers; the user corrects the guess."""

import pytest
from django.utils.translation import override

from podbor.intake.importing.columns import mapping_apply, mapping_check, mapping_guess, mapping_overrides_parse
from podbor.lib.errors import ValidationFailed


@pytest.mark.parametrize("header, field", [
    ("ФИО", "full_name"), ("Ф.И.О.", "full_name"), ("Full name", "full_name"), ("Кандидат", "full_name"),
    ("Фамилия", "last_name"), ("Surname", "last_name"), ("Имя", "first_name"), ("First name", "first_name"),
    ("Отчество", "middle_name"), ("Телефон", "phone"), ("Моб. телефон", "phone"), ("Тел.", "phone"),
    ("Phone", "phone"), ("Mobile phone", "phone"), ("Телефон (доп.)", "phone"), ("E-mail", "email"),
    ("Почта", "email"), ("Эл. почта", "email"), ("Email address", "email"), ("Город", "city"), ("City", "city"),
    ("Вакансия", "vacancy"), ("Должность", "vacancy"), ("Комментарий", "comment"), ("Примечание", "comment"),
    ("Источник", "source"), ("Дата рождения", "extra"), ("Гражданство", "extra"),
])
def test_a_header_is_guessed(header, field):
    assert mapping_guess([header]) == [field]


def test_several_phone_and_email_columns_are_all_kept():
    headers = ["Фамилия", "Имя", "Телефон", "Моб. телефон", "E-mail", "Почта (личная)"]
    assert mapping_guess(headers) == ["last_name", "first_name", "phone", "phone", "email", "email"]


def test_a_second_column_of_a_single_field_goes_to_extra_rather_than_overwriting():
    assert mapping_guess(["ФИО", "Full name", "Телефон"]) == ["full_name", "extra", "phone"]


def test_the_user_corrects_the_guess_by_header():
    headers = ["ФИО", "Контакт для связи", "Откуда"]
    guessed = mapping_guess(headers)
    overrides = mapping_overrides_parse(["Контакт для связи=phone", "откуда=source"])
    assert mapping_apply(headers, guessed, overrides) == ["full_name", "phone", "source"]


def test_a_correction_naming_an_unknown_column_or_field_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        mapping_apply(["ФИО", "Телефон"], ["full_name", "phone"], {"Телефон": "fax", "Адрес": "city"})
    assert set(refused.value.fields) == {"mapping.Телефон", "mapping.Адрес"}


def test_a_mapping_without_a_phone_or_email_column_is_refused():
    with pytest.raises(ValidationFailed) as refused, override("en"):
        mapping_check(["ФИО", "Город"], ["full_name", "city"])
    assert "phone or an email" in refused.value.fields["mapping"][0]
