from django.utils import timezone

from podbor.crm.models import Deal
from podbor.routing.models import DistributionRule
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_least_loaded_picks_the_manager_with_fewest_open_untouched_deals(pipeline):
    busy, free = manager("busy"), manager("free")
    for _ in range(3):
        Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=busy)
    # Touched or closed deals are not load.
    for _ in range(5):
        Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=free, touched_at=timezone.now())
    Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=free, closed_at=timezone.now())
    rule(pipeline, [busy, free], strategy=DistributionRule.Strategy.LEAST_LOADED)

    chosen = [deal_assign(deal=new_deal(pipeline)).user_id for _ in range(4)]

    # free has 0 untouched: it takes leads until it is as loaded as busy, then they alternate.
    assert chosen[:3] == [free.pk, free.pk, free.pk]
    assert chosen[3] in {busy.pk, free.pk}
    assignment = deal_assign(deal=new_deal(pipeline))
    chosen_row = next(row for row in assignment.considered if row["user"] == assignment.user_id)
    assert chosen_row["code"] == "chosen_least_loaded"
