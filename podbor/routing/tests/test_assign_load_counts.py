"""Counting open untouched leads stays exact where the decision needs it when the backlog is too large for one
grouped count (forced here by lowering the scan bound) and each manager is counted only up to what matters."""

import pytest

from podbor.crm.models import Deal
from podbor.routing.models import DistributionRule
from podbor.routing.services import deal_assign, eligibility
from podbor.routing.tests.distribution import manager, new_deal, rule


@pytest.fixture(params=[None, 1], ids=["one grouped count", "capped counts"])
def scan_bound(request, monkeypatch):
    if request.param is not None:
        monkeypatch.setattr(eligibility, "SCAN_AT_MOST", request.param)


def _give(user, n, pipeline):
    for _ in range(n):
        Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=user)


def test_the_limit_skips_a_manager_at_the_limit(pipeline, scan_bound):
    full, free = manager("full"), manager("free")
    _give(full, 3, pipeline)
    _give(free, 2, pipeline)
    rule(pipeline, [full, free], max_open_untouched=3)

    assignment = deal_assign(deal=new_deal(pipeline))

    assert assignment.user_id == free.pk
    assert {r["user"]: r["code"] for r in assignment.considered}[full.pk] == "limit"


def test_least_loaded_finds_the_smallest_count(pipeline, scan_bound, monkeypatch):
    monkeypatch.setattr(eligibility, "LEAST_LOADED_FIRST_CAP", 2)
    a, b, c = manager("a"), manager("b"), manager("c")
    _give(a, 5, pipeline)
    _give(b, 3, pipeline)
    _give(c, 4, pipeline)
    rule(pipeline, [a, b, c], strategy=DistributionRule.Strategy.LEAST_LOADED)

    assert deal_assign(deal=new_deal(pipeline)).user_id == b.pk
