import pytest

from podbor.crm.models import Contact, ContactEmail, ContactPhone, CustomField, TimelineEntry
from podbor.crm.services import contact_create
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


def test_name_parts_are_cleaned_and_folded_for_search(manager_a):
    contact = contact_create(actor=manager_a, last_name=" сёмина ", first_name="анна-мария", middle_name="петровна")
    assert (contact.last_name, contact.first_name, contact.middle_name) == ("Сёмина", "Анна-Мария", "Петровна")
    assert contact.name_folded == "семина анна-мария петровна"


def test_a_full_name_is_split_in_russian_order(manager_a):
    contact = contact_create(actor=manager_a, full_name="иванов иван иванович")
    assert contact.full_name == "Иванов Иван Иванович"
    assert contact.first_name == "Иван"


def test_phones_are_stored_as_entered_and_normalised(manager_a):
    contact = contact_create(actor=manager_a, first_name="Иван", phones=["8 (999) 123-45-67", "+44 20 7946 0958"])
    assert list(contact.phones.values_list("raw", "e164", "is_valid")) == [
        ("8 (999) 123-45-67", "+79991234567", True),
        ("+44 20 7946 0958", "+442079460958", True),
    ]


def test_the_same_phone_typed_twice_is_stored_once(manager_a):
    contact = contact_create(actor=manager_a, first_name="Иван", phones=["89991234567", "+7 999 123-45-67"])
    assert list(contact.phones.values_list("raw", flat=True)) == ["89991234567"]


def test_an_implausible_but_long_enough_number_is_kept_and_flagged_invalid(manager_a):
    contact = contact_create(actor=manager_a, first_name="Иван", phones=["999 123 45 6"])
    phone = contact.phones.get()
    assert (phone.raw, phone.is_valid) == ("999 123 45 6", False)


def test_emails_are_lower_cased_and_deduplicated(manager_a):
    contact = contact_create(actor=manager_a, emails=[" Ivan@Mail.RU", "ivan@mail.ru"])
    assert list(contact.emails.values_list("raw", "normalized")) == [("Ivan@Mail.RU", "ivan@mail.ru")]


def test_a_contact_reachable_only_by_email_is_accepted(manager_a):
    contact = contact_create(actor=manager_a, emails=["anon@example.com"])
    assert contact.full_name == "" and contact.emails.count() == 1


@pytest.mark.parametrize("blank", [{}, {"first_name": "   "}, {"full_name": "  "}, {"phones": []}])
def test_a_contact_with_no_name_and_no_way_to_reach_is_refused_and_nothing_is_written(manager_a, blank):
    with pytest.raises(ValidationFailed) as refused:
        contact_create(actor=manager_a, **blank)
    assert "full_name" in refused.value.fields
    assert not Contact.objects.exists()
    assert not DomainEvent.objects.exists()


def test_every_bad_phone_and_email_is_reported_by_its_position_and_nothing_is_written(manager_a):
    with pytest.raises(ValidationFailed) as refused:
        contact_create(
            actor=manager_a, first_name="Иван", phones=["89991234567", "abc", ""], emails=["ivan@", "a@b.ru"]
        )
    assert set(refused.value.fields) == {"phones.1", "phones.2", "emails.0"}
    assert not Contact.objects.exists()
    assert not ContactPhone.objects.exists() and not ContactEmail.objects.exists()


def test_an_unknown_gender_and_a_bad_custom_value_are_reported_together(manager_a):
    CustomField.objects.create(entity=CustomField.Entity.CONTACT, code="age", name="Возраст",
                               kind=CustomField.Kind.NUMBER)
    with pytest.raises(ValidationFailed) as refused:
        contact_create(actor=manager_a, first_name="Иван", gender="x", custom={"age": "много"})
    assert set(refused.value.fields) == {"gender", "custom.age"}
    assert not Contact.objects.exists()


def test_a_managers_contact_belongs_to_their_team_and_an_admins_to_nobody(manager_a, admin_user):
    assert contact_create(actor=manager_a, first_name="Иван").team == manager_a.team
    assert contact_create(actor=admin_user, first_name="Пётр").team is None


def test_creation_leaves_a_timeline_entry_and_an_event(manager_a):
    contact = contact_create(actor=manager_a, first_name="Иван", tags=["склад", " склад ", ""])
    entry = TimelineEntry.objects.get(contact=contact)
    assert (entry.kind, entry.author) == (TimelineEntry.Kind.SYSTEM, manager_a)
    assert DomainEvent.objects.filter(kind="contact.created", contact_id=contact.pk, actor_id=manager_a.pk).exists()
    assert list(contact.tags.values_list("name", flat=True)) == ["склад"]
