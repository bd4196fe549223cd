import pytest

from podbor.crm.models import Contact, CustomField, TimelineEntry
from podbor.crm.services import contact_create, contact_update
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def contact(manager_a):
    return contact_create(actor=manager_a, full_name="Иванов Иван", city="Казань", phones=["89991234567"],
                          emails=["ivan@mail.ru"])


def _changes(contact):
    return TimelineEntry.objects.filter(contact=contact, data__has_key="before")


def test_only_the_given_fields_change(contact, manager_a):
    contact_update(contact=contact, actor=manager_a, city=" Самара ")
    contact.refresh_from_db()
    assert contact.city == "Самара"
    assert contact.full_name == "Иванов Иван"
    assert list(contact.phones.values_list("e164", flat=True)) == ["+79991234567"]
    assert list(contact.emails.values_list("normalized", flat=True)) == ["ivan@mail.ru"]


def test_the_old_value_stays_in_the_timeline(contact, manager_a):
    contact_update(contact=contact, actor=manager_a, city="Самара", phones=["+7 (916) 000-11-22"])
    entry = _changes(contact).get()
    assert entry.author == manager_a
    assert str(Contact._meta.get_field("city").verbose_name) in entry.text
    assert entry.data["before"] == {"city": "Казань", "phones": ["+79991234567"]}
    assert DomainEvent.objects.get(kind="contact.updated").payload == {"fields": ["city", "phones"]}


def test_a_new_full_name_replaces_every_name_part(contact, manager_a):
    contact_update(contact=contact, actor=manager_a, full_name="петрова мария сергеевна")
    contact.refresh_from_db()
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Петрова", "Мария", "Сергеевна")
    assert contact.name_folded == "петрова мария сергеевна"
    assert _changes(contact).get().data["before"]["last_name"] == "Иванов"


def test_an_update_that_changes_nothing_leaves_no_trace(contact, manager_a):
    contact_update(contact=contact, actor=manager_a, city="Казань", phones=["8 (999) 123-45-67"], last_name="иванов")
    assert not _changes(contact).exists()
    assert not DomainEvent.objects.filter(kind="contact.updated").exists()


def test_a_bad_phone_at_index_one_is_reported_there_and_nothing_changes(contact, manager_a):
    with pytest.raises(ValidationFailed) as refused:
        contact_update(contact=contact, actor=manager_a, city="Самара", phones=["89160001122", "позвонить"])
    assert list(refused.value.fields) == ["phones.1"]
    fresh = Contact.objects.get(pk=contact.pk)
    assert fresh.city == "Казань"
    assert list(fresh.phones.values_list("e164", flat=True)) == ["+79991234567"]
    assert not _changes(contact).exists()


def test_removing_the_last_name_and_way_to_reach_is_refused(manager_a):
    contact = contact_create(actor=manager_a, phones=["89991234567"])
    with pytest.raises(ValidationFailed) as refused:
        contact_update(contact=contact, actor=manager_a, phones=[])
    assert "full_name" in refused.value.fields
    assert contact.phones.count() == 1


def test_an_unknown_field_is_refused(contact, manager_a):
    with pytest.raises(ValidationFailed) as refused:
        contact_update(contact=contact, actor=manager_a, team=None)
    assert list(refused.value.fields) == ["team"]


def test_custom_values_merge_and_only_the_changed_keys_are_remembered(contact, manager_a):
    CustomField.objects.create(entity=CustomField.Entity.CONTACT, code="shoe", name="Размер обуви",
                               kind=CustomField.Kind.NUMBER)
    CustomField.objects.create(entity=CustomField.Entity.CONTACT, code="car", name="Есть машина",
                               kind=CustomField.Kind.BOOLEAN)
    contact_update(contact=contact, actor=manager_a, custom={"shoe": "42", "car": "да"})
    contact_update(contact=contact, actor=manager_a, custom={"shoe": "43"})
    contact.refresh_from_db()
    assert contact.custom == {"shoe": 43, "car": True}
    assert _changes(contact).first().data["before"] == {"custom": {"shoe": 42}}


def test_a_stale_instance_does_not_write_back_fields_it_did_not_change(contact, manager_a, team_b):
    Contact.objects.filter(pk=contact.pk).update(team=team_b)
    contact_update(contact=contact, actor=manager_a, city="Самара")
    assert Contact.objects.get(pk=contact.pk).team == team_b
