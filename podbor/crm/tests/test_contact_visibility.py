import pytest

from podbor.crm.models import Deal
from podbor.crm.selectors import contacts_visible_to, deals_visible_to, timeline_of_contact
from podbor.crm.services import contact_create, deal_create, note_add


@pytest.fixture
def people(pipeline, manager_a, manager_b, admin_user):
    shared = contact_create(actor=admin_user, full_name="Общий Кандидат")
    deal_create(actor=manager_b, title="Сделка Б", pipeline=pipeline, contact=shared)
    return {
        "own_team": contact_create(actor=manager_a, full_name="Свой Кандидат"),
        "other_team": contact_create(actor=manager_b, full_name="Чужой Кандидат"),
        "nobodys": contact_create(actor=admin_user, full_name="Ничей Кандидат"),
        "shared": shared,
    }


def _names(user):
    return set(contacts_visible_to(user).values_list("last_name", flat=True))


def test_a_manager_sees_the_contacts_of_their_team(people, manager_a):
    # "shared" took team B from its first deal.
    assert _names(manager_a) == {"Свой"}


def test_a_contact_becomes_visible_through_a_visible_deal(people, pipeline, manager_a):
    deal_create(actor=manager_a, title="Сделка А", pipeline=pipeline, contact=people["nobodys"])
    assert _names(manager_a) == {"Свой", "Ничей"}


def test_an_admin_sees_every_contact_and_an_inactive_user_none(people, admin_user, manager_b):
    assert _names(admin_user) == {"Свой", "Чужой", "Ничей", "Общий"}
    manager_b.is_active = False
    manager_b.save()
    assert _names(manager_b) == set()


def test_the_contacts_timeline_hides_entries_of_deals_the_reader_cannot_see(people, pipeline, manager_a, manager_b):
    shared = people["shared"]
    deal_a = deal_create(actor=manager_a, title="Сделка А", pipeline=pipeline, contact=shared)
    deal_b = Deal.objects.get(title="Сделка Б")
    note_add(actor=manager_a, text="Наша заметка", deal=deal_a)
    note_add(actor=manager_b, text="Секрет команды Б", deal=deal_b)
    note_add(actor=manager_b, text="О самом человеке", contact=shared)
    texts = set(timeline_of_contact(shared, deals=deals_visible_to(manager_a)).values_list("text", flat=True))
    assert "Наша заметка" in texts and "О самом человеке" in texts
    assert "Секрет команды Б" not in texts
