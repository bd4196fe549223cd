from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.crm.services import deal_close_lost
from podbor.routing.models import QueuedDeal
from podbor.routing.services import deal_assign
from podbor.routing.tasks import routing_queue_sweep
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_the_sweeper_hands_out_queued_deals_once_someone_is_at_work(pipeline):
    maria = manager("maria", presence=User.Presence.OFF)
    rule(pipeline, [maria])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    User.objects.filter(pk=maria.pk).update(presence=User.Presence.AT_WORK)  # a schedule, no event

    routing_queue_sweep.call_local()

    assert Deal.objects.get(pk=deal.pk).responsible_id == maria.pk
    assert not QueuedDeal.objects.exists()


def test_a_queued_deal_closed_meanwhile_leaves_the_queue(pipeline):
    maria = manager("maria", presence=User.Presence.OFF)
    rule(pipeline, [maria])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    deal_close_lost(deal=deal, reason=pipeline.lost_reasons.first(), actor=None)
    User.objects.filter(pk=maria.pk).update(presence=User.Presence.AT_WORK)

    routing_queue_sweep.call_local()

    assert Deal.objects.get(pk=deal.pk).responsible_id is None
    assert not QueuedDeal.objects.exists()
