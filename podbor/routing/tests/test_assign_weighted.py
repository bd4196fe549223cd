from collections import Counter

from podbor.accounts.models import User
from podbor.routing.models import DistributionRule
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_weighted_shares_follow_the_weights(pipeline):
    managers = [manager(f"w{i}") for i in range(3)]
    rule(pipeline, managers, strategy=DistributionRule.Strategy.WEIGHTED, weights=[50, 30, 20])

    counts = Counter(deal_assign(deal=new_deal(pipeline)).user_id for _ in range(100))

    assert [counts[m.pk] for m in managers] == [50, 30, 20]


def test_weighted_shares_are_recomputed_over_the_eligible_when_one_is_away(pipeline):
    managers = [manager(f"w{i}") for i in range(3)]
    User.objects.filter(pk=managers[0].pk).update(presence=User.Presence.PAUSE)
    rule(pipeline, managers, strategy=DistributionRule.Strategy.WEIGHTED, weights=[50, 30, 20])

    counts = Counter(deal_assign(deal=new_deal(pipeline)).user_id for _ in range(50))

    assert counts[managers[0].pk] == 0
    assert (counts[managers[1].pk], counts[managers[2].pk]) == (30, 20)
