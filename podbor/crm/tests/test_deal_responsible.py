import pytest

from podbor.crm.models import Deal
from podbor.crm.services import deal_create, deal_update
from podbor.lib.errors import ValidationFailed


@pytest.fixture
def deal(pipeline, manager_a):
    return deal_create(actor=manager_a, title="Кассир", pipeline=pipeline)


def test_a_manager_cannot_make_a_user_of_another_team_responsible(deal, manager_a, manager_b, pipeline):
    with pytest.raises(ValidationFailed) as refused:
        deal_update(deal=deal, actor=manager_a, responsible=manager_b)
    assert list(refused.value.fields) == ["responsible"]
    assert Deal.objects.get(pk=deal.pk).responsible == manager_a
    with pytest.raises(ValidationFailed):
        deal_create(actor=manager_a, title="Кассир", pipeline=pipeline, responsible=manager_b)
    assert Deal.objects.count() == 1


def test_a_manager_can_hand_a_deal_to_a_teammate(deal, manager_a, manager_a2):
    deal_update(deal=deal, actor=manager_a, responsible=manager_a2)
    assert Deal.objects.get(pk=deal.pk).responsible == manager_a2


def test_a_team_lead_assigns_within_the_team_only(deal, lead_a, manager_a2, manager_b):
    deal_update(deal=deal, actor=lead_a, responsible=manager_a2)
    with pytest.raises(ValidationFailed):
        deal_update(deal=deal, actor=lead_a, responsible=manager_b)
    assert Deal.objects.get(pk=deal.pk).responsible == manager_a2


def test_an_admin_assigns_anyone_and_the_deal_follows_them_to_their_team(deal, admin_user, manager_b):
    deal_update(deal=deal, actor=admin_user, responsible=manager_b)
    fresh = Deal.objects.get(pk=deal.pk)
    assert (fresh.responsible, fresh.team) == (manager_b, manager_b.team)


def test_nobody_can_make_an_inactive_user_responsible(deal, admin_user, manager_a2):
    manager_a2.is_active = False
    manager_a2.save()
    with pytest.raises(ValidationFailed):
        deal_update(deal=deal, actor=admin_user, responsible=manager_a2)


def test_a_team_leads_new_deal_has_no_responsible_but_stays_in_the_team(pipeline, lead_a):
    deal = deal_create(actor=lead_a, title="Кассир", pipeline=pipeline)
    assert (deal.responsible, deal.team) == (None, lead_a.team)
