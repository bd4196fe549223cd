from collections import Counter

from podbor.routing.models import Assignment, DistributionRule, RuleMember
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_round_robin_hands_leads_in_turn_so_counts_differ_by_at_most_one(pipeline):
    managers = [manager(f"rr{i}") for i in range(3)]
    rr = rule(pipeline, managers)

    chosen = [deal_assign(deal=new_deal(pipeline)).user_id for _ in range(10)]

    counts = Counter(chosen)
    assert set(counts) == {m.pk for m in managers}
    assert max(counts.values()) - min(counts.values()) <= 1
    # In turn: the first three leads go to three different managers.
    assert len(set(chosen[:3])) == 3
    assert sorted(RuleMember.objects.filter(rule=rr).values_list("assigned_count", flat=True)) == [3, 3, 4]


def test_the_chosen_manager_becomes_responsible_and_the_assignment_records_the_rule(pipeline):
    only = manager("solo")
    rr = rule(pipeline, [only])
    deal = new_deal(pipeline)

    assignment = deal_assign(deal=deal)

    deal.refresh_from_db()
    assert deal.responsible_id == only.pk
    assert assignment.rule_id == rr.pk
    assert assignment.strategy == DistributionRule.Strategy.ROUND_ROBIN
    assert assignment.considered[0]["user"] == only.pk
    assert assignment.considered[0]["eligible"] is True
    assert Assignment.objects.filter(deal=deal).count() == 1
    assert deal.timeline.filter(data__assignment=assignment.pk).exists()
