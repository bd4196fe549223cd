from podbor.routing.models import Assignment, QueuedDeal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_the_first_active_rule_by_priority_for_the_source_decides(pipeline):
    hh_manager, site_manager, other = manager("hh"), manager("site"), manager("other")
    rule(pipeline, [other], name="Любой источник", priority=200)
    rule(pipeline, [hh_manager], name="hh.ru", source="hh.ru", priority=10)
    rule(pipeline, [site_manager], name="Выключено", priority=1, is_active=False)

    assert deal_assign(deal=new_deal(pipeline, source="hh.ru")).user_id == hh_manager.pk
    assert deal_assign(deal=new_deal(pipeline, source="Сайт")).user_id == other.pk


def test_a_deal_no_rule_matches_stays_unassigned_and_the_assignment_says_so(pipeline):
    deal = new_deal(pipeline)

    assignment = deal_assign(deal=deal)

    deal.refresh_from_db()
    assert deal.responsible_id is None
    assert assignment.user_id is None and assignment.rule_id is None
    assert assignment.reason == "no_rule"
    assert not QueuedDeal.objects.filter(deal=deal).exists()
    assert Assignment.objects.filter(deal=deal).count() == 1
