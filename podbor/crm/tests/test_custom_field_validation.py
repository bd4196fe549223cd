import datetime

import pytest

from podbor.crm.models import CustomField, Deal, Pipeline, Stage
from podbor.crm.services import contact_create, contact_update, deal_create, deal_update
from podbor.crm.services.custom_fields import custom_values_clean
from podbor.lib.errors import ValidationFailed

KINDS = {
    "note": CustomField.Kind.TEXT,
    "salary": CustomField.Kind.NUMBER,
    "start": CustomField.Kind.DATE,
    "shift": CustomField.Kind.CHOICE,
    "car": CustomField.Kind.BOOLEAN,
    "spare_phone": CustomField.Kind.PHONE,
    "spare_email": CustomField.Kind.EMAIL,
    "home": CustomField.Kind.ADDRESS,
}


@pytest.fixture
def fields(db):
    for code, kind in KINDS.items():
        CustomField.objects.create(entity=CustomField.Entity.CONTACT, code=code, name=code, kind=kind,
                                   choices=["день", "ночь"] if kind == CustomField.Kind.CHOICE else [])


def clean(values, current=None):
    return custom_values_clean(entity=CustomField.Entity.CONTACT, values=values, current=current)


@pytest.mark.parametrize(
    ("code", "typed", "stored"),
    [
        ("note", "  любит ночные смены ", "любит ночные смены"),
        ("salary", "45000", 45000),
        ("salary", "1 234,5", 1234.5),
        ("salary", "1\xa0000", 1000),
        ("salary", 52000.0, 52000),
        ("start", "2026-12-01", "2026-12-01"),
        ("start", " 01.12.2026 ", "2026-12-01"),
        ("start", datetime.date(2026, 12, 1), "2026-12-01"),
        ("start", datetime.datetime(2026, 12, 1, 15, 30), "2026-12-01"),
        ("shift", "ночь", "ночь"),
        ("car", "да", True),
        ("car", "Нет", False),
        ("car", True, True),
        ("spare_phone", "8 (999) 123-45-67", "+79991234567"),
        ("spare_email", " Ivan@Mail.RU ", "ivan@mail.ru"),
        ("home", "Казань, ул. Баумана, 1", "Казань, ул. Баумана, 1"),
    ],
)
def test_each_kind_stores_the_clean_form_of_what_was_typed(fields, code, typed, stored):
    assert clean({code: typed}) == {code: stored}


@pytest.mark.parametrize(
    ("code", "typed"),
    [
        ("note", ["список"]),
        ("salary", "много"),
        ("salary", True),
        ("salary", "NaN"),
        ("salary", "1e400"),
        ("start", "31.02.2026"),
        ("start", "завтра"),
        ("shift", "вечер"),
        ("car", "может быть"),
        ("spare_phone", "12345"),
        ("spare_email", "ivan@"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_under_its_code(fields, code, typed):
    with pytest.raises(ValidationFailed) as refused:
        clean({code: typed})
    assert list(refused.value.fields) == [f"custom.{code}"]


def test_all_bad_values_are_reported_at_once(fields):
    with pytest.raises(ValidationFailed) as refused:
        clean({"salary": "x", "start": "y", "note": "ok"})
    assert set(refused.value.fields) == {"custom.salary", "custom.start"}


def test_an_unknown_code_is_refused(fields):
    with pytest.raises(ValidationFailed) as refused:
        clean({"height": 180})
    assert list(refused.value.fields) == ["custom.height"]


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_value_removes_the_key(fields, empty):
    assert clean({"note": empty}, current={"note": "было", "salary": 1}) == {"salary": 1}


def test_values_that_are_not_an_object_are_refused(fields):
    with pytest.raises(ValidationFailed) as refused:
        clean(["note"])
    assert list(refused.value.fields) == ["custom"]


def test_a_bad_value_on_update_changes_nothing(fields, manager_a):
    contact = contact_create(actor=manager_a, first_name="Иван", custom={"salary": "50000"})
    with pytest.raises(ValidationFailed):
        contact_update(contact=contact, actor=manager_a, custom={"salary": "70000", "car": "возможно"})
    contact.refresh_from_db()
    assert contact.custom == {"salary": 50000}


def test_a_deal_field_bound_to_another_pipeline_is_refused(pipeline, manager_a):
    other = Pipeline.objects.create(name="Клиенты")
    Stage.objects.create(pipeline=other, name="Запрос", order=1)
    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="tender_no", name="Номер тендера",
                               kind=CustomField.Kind.TEXT, pipeline=other)
    with pytest.raises(ValidationFailed) as refused:
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, custom={"tender_no": "44-ФЗ 1"})
    assert list(refused.value.fields) == ["custom.tender_no"]
    assert not Deal.objects.exists()
    deal = deal_create(actor=manager_a, title="Тендер", pipeline=other, custom={"tender_no": "44-ФЗ 1"})
    deal_update(deal=deal, actor=manager_a, custom={"interview_date": "01.12.2026"})
    deal.refresh_from_db()
    assert deal.custom == {"tender_no": "44-ФЗ 1", "interview_date": "2026-12-01"}
