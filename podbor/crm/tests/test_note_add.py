import pytest

from podbor.crm.models import TimelineEntry
from podbor.crm.selectors import deals_visible_to, timeline_of_contact, timeline_of_deal
from podbor.crm.services import contact_create, deal_create, note_add
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    contact = contact_create(actor=manager_a, full_name="Иванов Иван")
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, contact=contact)


@pytest.mark.parametrize("text", ["", "   \n ", None])
def test_an_empty_note_is_refused(deal, manager_a, text):
    with pytest.raises(ValidationFailed) as refused:
        note_add(actor=manager_a, text=text, deal=deal)
    assert list(refused.value.fields) == ["text"]
    assert not TimelineEntry.objects.filter(kind=TimelineEntry.Kind.NOTE).exists()


def test_a_note_needs_a_deal_or_a_contact(manager_a):
    with pytest.raises(ValidationFailed) as refused:
        note_add(actor=manager_a, text="Перезвонить")
    assert list(refused.value.fields) == ["deal"]


def test_a_note_on_a_deal_also_shows_in_the_contacts_timeline(deal, manager_a):
    note = note_add(actor=manager_a, text="  Просит ночные смены ", deal=deal)
    assert (note.text, note.author, note.contact) == ("Просит ночные смены", manager_a, deal.contact)
    assert timeline_of_deal(deal).first() == note
    assert note in timeline_of_contact(deal.contact, deals=deals_visible_to(manager_a))
    event = DomainEvent.objects.get(kind="note.added")
    assert (event.deal_id, event.contact_id, event.payload) == (deal.pk, deal.contact_id, {"entry": note.pk})


def test_the_timeline_is_newest_first(deal, manager_a):
    note_add(actor=manager_a, text="Первая", deal=deal)
    note_add(actor=manager_a, text="Вторая", deal=deal)
    assert [e.text for e in timeline_of_deal(deal).filter(kind=TimelineEntry.Kind.NOTE)] == ["Вторая", "Первая"]
