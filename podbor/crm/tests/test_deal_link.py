import pytest

from podbor.crm.models import Deal, TimelineEntry
from podbor.crm.services import deal_create, deal_link
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deals(pipeline, manager_a):
    return [deal_create(actor=manager_a, title=title, pipeline=pipeline) for title in ("Проект", "Кассир", "Повар")]


def _parent_side(deal):
    return TimelineEntry.objects.filter(deal=deal, data__has_key="child")


def _child_side(deal):
    return TimelineEntry.objects.filter(deal=deal, data__has_key="parent")


def test_linking_writes_the_timeline_of_both_deals_and_an_event(deals, manager_a):
    project, cashier, _cook = deals
    deal_link(deal=cashier, parent=project, actor=manager_a)
    assert Deal.objects.get(pk=cashier.pk).parent == project
    assert _child_side(cashier).get().data == {"parent": project.pk}
    assert "Проект" in _child_side(cashier).get().text
    entry = _parent_side(project).get()
    assert entry.data == {"child": cashier.pk, "action": "linked"}
    assert "Кассир" in entry.text and entry.author == manager_a
    assert DomainEvent.objects.get(kind="deal.linked").payload == {"parent": project.pk}


def test_unlinking_writes_the_timeline_of_both_deals(deals, manager_a):
    project, cashier, _cook = deals
    deal_link(deal=cashier, parent=project, actor=manager_a)
    deal_link(deal=cashier, parent=None, actor=manager_a)
    assert Deal.objects.get(pk=cashier.pk).parent is None
    assert _child_side(cashier).filter(data__parent=None).exists()
    assert [e.data["action"] for e in _parent_side(project)] == ["unlinked", "linked"]


@pytest.mark.parametrize("depth", [0, 1, 2])
def test_a_deal_cannot_be_linked_under_itself_or_its_descendants(deals, manager_a, depth):
    project, cashier, cook = deals
    deal_link(deal=cashier, parent=project, actor=manager_a)
    deal_link(deal=cook, parent=cashier, actor=manager_a)
    descendant = [project, cashier, cook][depth]
    with pytest.raises(ValidationFailed) as refused:
        # The instances from the fixture are stale: cashier and cook do not know their parents.
        deal_link(deal=project, parent=descendant, actor=manager_a)
    assert list(refused.value.fields) == ["parent"]
    assert Deal.objects.get(pk=project.pk).parent is None


def test_linking_to_the_same_parent_again_changes_nothing(deals, manager_a):
    project, cashier, _cook = deals
    deal_link(deal=cashier, parent=project, actor=manager_a)
    deal_link(deal=Deal.objects.get(pk=cashier.pk), parent=project, actor=manager_a)
    assert DomainEvent.objects.filter(kind="deal.linked").count() == 1
