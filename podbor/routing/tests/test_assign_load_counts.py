"""Open untouched leads decide the limit and least loaded, and a batch sees its own hand-outs in them."""

from podbor.crm.models import Deal
from podbor.routing.models import DistributionRule
from podbor.routing.services import deal_assign, deals_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def _give(user, n, pipeline):
    for _ in range(n):
        Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=user)


def test_the_limit_skips_a_manager_at_the_limit(pipeline):
    full, free = manager("full"), manager("free")
    _give(full, 3, pipeline)
    _give(free, 2, pipeline)
    rule(pipeline, [full, free], max_open_untouched=3)

    assignment = deal_assign(deal=new_deal(pipeline))

    assert assignment.user_id == free.pk
    assert {r["user"]: r["code"] for r in assignment.considered}[full.pk] == "limit"


def test_least_loaded_finds_the_smallest_count(pipeline):
    a, b, c = manager("a"), manager("b"), manager("c")
    _give(a, 5, pipeline)
    _give(b, 3, pipeline)
    _give(c, 4, pipeline)
    rule(pipeline, [a, b, c], strategy=DistributionRule.Strategy.LEAST_LOADED)

    assert deal_assign(deal=new_deal(pipeline)).user_id == b.pk


def test_least_loaded_in_a_batch_counts_its_own_hand_outs(pipeline):
    a, b = manager("a"), manager("b")
    _give(a, 6, pipeline)
    _give(b, 2, pipeline)
    rule(pipeline, [a, b], strategy=DistributionRule.Strategy.LEAST_LOADED)

    chosen = [x.user_id for x in deals_assign(deals=[new_deal(pipeline) for _ in range(6)])]

    # b takes leads up to a's 6, then they alternate.
    assert chosen[:4] == [b.pk] * 4
    assert sorted(chosen[4:]) == sorted([a.pk, b.pk])
