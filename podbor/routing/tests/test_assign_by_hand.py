import pytest

from podbor.lib.errors import PermissionRefused, ValidationFailed
from podbor.routing.models import Assignment, QueuedDeal
from podbor.routing.services import deal_assign, deal_reassign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_a_team_lead_reassigns_a_queued_deal_by_hand_and_it_is_recorded(pipeline, lead_a, manager_a):
    away = manager("away", presence="off")
    rule(pipeline, [away])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)

    assignment = deal_reassign(deal=deal, user=manager_a, actor=lead_a)

    deal.refresh_from_db()
    assert deal.responsible_id == manager_a.pk
    assert (assignment.user_id, assignment.actor_id, assignment.strategy) == (manager_a.pk, lead_a.pk, "manual")
    assert not QueuedDeal.objects.filter(deal=deal).exists()
    assert Assignment.objects.filter(deal=deal).count() == 2


def test_a_manager_cannot_reassign_by_hand(pipeline, manager_a, manager_a2):
    deal = new_deal(pipeline)
    with pytest.raises(PermissionRefused):
        deal_reassign(deal=deal, user=manager_a2, actor=manager_a)


def test_a_team_lead_cannot_hand_a_deal_to_another_teams_manager(pipeline, lead_a, manager_b):
    deal = new_deal(pipeline)
    with pytest.raises(ValidationFailed) as refused:
        deal_reassign(deal=deal, user=manager_b, actor=lead_a)
    assert "user" in refused.value.fields
