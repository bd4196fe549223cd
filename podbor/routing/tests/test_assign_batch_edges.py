"""What a batch does with deals that are not new open leads: closed deals are left out (not assigned, no Assignment,
not waiting in the queue), a deal listed twice is decided twice, deals without a rule say so."""

import pytest
from django.utils import timezone

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed
from podbor.routing.models import Assignment, QueuedDeal
from podbor.routing.services import deal_assign, deals_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_a_closed_deal_in_a_batch_is_left_out_and_leaves_the_queue(pipeline):
    away, maria = manager("away", presence=User.Presence.OFF), manager("maria")
    rr = rule(pipeline, [away])
    closed, open_deal = new_deal(pipeline), new_deal(pipeline)
    deal_assign(deal=closed)  # queued: nobody at work
    Deal.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    rr.members.create(user=maria)

    assignments = deals_assign(deals=[closed, open_deal])

    assert [a.deal_id for a in assignments] == [open_deal.pk]
    assert Deal.objects.get(pk=closed.pk).responsible_id is None
    assert Assignment.objects.filter(deal=closed).count() == 1  # only the earlier "queued"
    assert not QueuedDeal.objects.filter(deal=closed).exists()


def test_deal_assign_still_refuses_a_closed_deal(pipeline):
    rule(pipeline, [manager("maria")])
    deal = new_deal(pipeline)
    Deal.objects.filter(pk=deal.pk).update(closed_at=timezone.now())

    with pytest.raises(ValidationFailed) as refused:
        deal_assign(deal=deal)

    assert "deal" in refused.value.fields


def test_a_deal_listed_twice_is_decided_twice_like_two_calls(pipeline):
    first, second = manager("first"), manager("second")
    rule(pipeline, [first, second], returning_candidate=False)
    deal = new_deal(pipeline)

    assignments = deals_assign(deals=[deal, deal])

    assert [a.user_id for a in assignments] == [first.pk, second.pk]
    assert Deal.objects.get(pk=deal.pk).responsible_id == second.pk
    updated = DomainEvent.objects.filter(deal_id=deal.pk, kind="deal.updated")
    assert [e.payload["fields"] for e in updated] == [["responsible"], ["responsible"]]


def test_deals_no_rule_matches_get_a_no_rule_decision(pipeline):
    deals = [new_deal(pipeline), new_deal(pipeline)]

    assignments = deals_assign(deals=deals)

    assert [(a.deal_id, a.reason, a.rule_id, a.user_id) for a in assignments] == [
        (deals[0].pk, "no_rule", None, None), (deals[1].pk, "no_rule", None, None)]


def test_an_empty_batch_writes_nothing(pipeline):
    assert deals_assign(deals=[]) == []
    assert not Assignment.objects.exists()
