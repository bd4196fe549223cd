import pytest

from podbor.crm.models import Contact, Deal
from podbor.crm.services import deal_create_with_contact
from podbor.lib.errors import ValidationFailed


def test_a_deal_with_a_new_contact_makes_both(pipeline, manager_a):
    deal = deal_create_with_contact(actor=manager_a, title="", pipeline=pipeline, contact_name="Иванова Анна",
                                    contact_phone="8 (999) 111-22-33", source="Звонок")
    assert deal.contact.full_name == "Иванова Анна"
    assert deal.contact.phones.get().e164 == "+79991112233"
    assert deal.title == "Иванова Анна"


def test_a_refused_deal_leaves_no_stray_new_contact(pipeline, manager_a, manager_b):
    with pytest.raises(ValidationFailed) as refused:
        deal_create_with_contact(actor=manager_a, title="Кассир", pipeline=pipeline, contact_name="Петров Пётр",
                                 contact_phone="9990001122", responsible=manager_b)
    assert "responsible" in refused.value.fields
    assert Contact.objects.count() == 0
    assert Deal.objects.count() == 0
