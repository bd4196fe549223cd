"""Two workers assigning at the same moment, in real threads with their own connections (SQLite or PostgreSQL):
no lead is lost or handed out twice, and the shares stay exact because the rule row is locked while choosing."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal
from podbor.routing.services import deal_assign, queue_hand_out
from podbor.routing.tests.distribution import manager, new_deal, rule

pytestmark = pytest.mark.django_db(transaction=True)


def _in_two_threads(work) -> None:
    start = threading.Barrier(2)

    def run(half: int) -> None:
        try:
            start.wait(timeout=10)
            work(half)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(run, half) for half in (0, 1)]:
            future.result()


def test_two_workers_assigning_at_once_assign_every_deal_once_with_exact_shares(pipeline):
    managers = [manager(f"w{i}") for i in range(3)]
    rule(pipeline, managers, strategy=DistributionRule.Strategy.WEIGHTED, weights=[50, 30, 20])
    deal_ids = [new_deal(pipeline).pk for _ in range(60)]

    def assign_half(half: int) -> None:
        for pk in deal_ids[half::2]:
            deal_assign(deal=Deal.objects.get(pk=pk))

    _in_two_threads(assign_half)

    assert Assignment.objects.count() == 60
    assert Counter(Assignment.objects.values_list("deal_id", flat=True)) == Counter(deal_ids)
    shares = Counter(Deal.objects.filter(pk__in=deal_ids).values_list("responsible_id", flat=True))
    assert [shares[m.pk] for m in managers] == [30, 18, 12]


def test_two_sweepers_at_once_hand_each_queued_deal_out_once(pipeline):
    managers = [manager(f"rr{i}", presence=User.Presence.OFF) for i in range(2)]
    rule(pipeline, managers)
    deal_ids = [new_deal(pipeline).pk for _ in range(30)]
    for pk in deal_ids:
        deal_assign(deal=Deal.objects.get(pk=pk))
    User.objects.filter(pk__in=[m.pk for m in managers]).update(presence=User.Presence.AT_WORK)

    _in_two_threads(lambda half: queue_hand_out())

    assert not QueuedDeal.objects.exists()
    handed = Assignment.objects.filter(user__isnull=False)
    assert Counter(handed.values_list("deal_id", flat=True)) == Counter(deal_ids)
    shares = Counter(Deal.objects.filter(pk__in=deal_ids).values_list("responsible_id", flat=True))
    assert max(shares.values()) - min(shares.values()) <= 1
