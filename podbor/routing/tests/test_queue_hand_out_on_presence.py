from podbor.accounts.models import User
from podbor.accounts.services import presence_set
from podbor.events.services import events_dispatch_pending
from podbor.routing.models import QueuedDeal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_queued_deals_go_oldest_first_to_a_manager_who_comes_to_work(pipeline):
    maria = manager("maria", presence=User.Presence.PAUSE)
    rule(pipeline, [maria], max_open_untouched=2)
    deals = [new_deal(pipeline, title=f"Отклик {i}") for i in range(3)]
    for deal in deals:
        deal_assign(deal=deal)
    assert QueuedDeal.objects.count() == 3

    presence_set(user=maria, status=User.Presence.AT_WORK)
    events_dispatch_pending()

    for deal in deals:
        deal.refresh_from_db()
    # The limit of 2 takes the two oldest; the newest keeps waiting.
    assert [d.responsible_id for d in deals] == [maria.pk, maria.pk, None]
    assert list(QueuedDeal.objects.values_list("deal_id", flat=True)) == [deals[2].pk]


def test_going_on_pause_hands_out_nothing(pipeline):
    maria = manager("maria", presence=User.Presence.OFF)
    rule(pipeline, [maria], only_present=True)
    deal = new_deal(pipeline)
    deal_assign(deal=deal)

    presence_set(user=maria, status=User.Presence.PAUSE)
    events_dispatch_pending()

    deal.refresh_from_db()
    assert deal.responsible_id is None
    assert QueuedDeal.objects.filter(deal=deal).exists()


def test_the_rule_decides_who_gets_a_queued_deal_when_someone_comes_to_work(pipeline):
    oleg = manager("oleg", presence=User.Presence.OFF)
    maria = manager("maria", presence=User.Presence.OFF)
    rule(pipeline, [oleg, maria])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    User.objects.filter(pk=oleg.pk).update(presence=User.Presence.AT_WORK)  # came without a click (a schedule)

    presence_set(user=maria, status=User.Presence.AT_WORK)
    events_dispatch_pending()

    deal.refresh_from_db()
    assert deal.responsible_id in {oleg.pk, maria.pk}
    assert not QueuedDeal.objects.exists()
