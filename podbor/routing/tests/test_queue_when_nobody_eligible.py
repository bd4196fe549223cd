from podbor.accounts.models import User
from podbor.routing.models import Assignment, QueuedDeal
from podbor.routing.services import deal_assign, queue_hand_out
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_a_deal_nobody_can_take_waits_in_the_queue_with_the_reasons(pipeline):
    away = manager("away", presence=User.Presence.PAUSE)
    queued_rule = rule(pipeline, [away])
    deal = new_deal(pipeline)

    assignment = deal_assign(deal=deal)

    deal.refresh_from_db()
    assert deal.responsible_id is None
    assert assignment.user_id is None and assignment.rule_id == queued_rule.pk
    assert assignment.reason == "queued"
    assert assignment.considered == [{"user": away.pk, "name": str(away), "eligible": False, "code": "paused",
                                      "params": {}, "reason": "paused"}]
    assert QueuedDeal.objects.get(deal=deal).rule_id == queued_rule.pk


def test_retrying_a_queued_deal_keeps_its_place_and_writes_no_duplicate_decision(pipeline):
    away = manager("away", presence=User.Presence.OFF)
    rule(pipeline, [away])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    queued_at = QueuedDeal.objects.get(deal=deal).queued_at

    assert queue_hand_out() == 0
    assert queue_hand_out() == 0

    assert QueuedDeal.objects.get(deal=deal).queued_at == queued_at
    assert Assignment.objects.filter(deal=deal).count() == 1
