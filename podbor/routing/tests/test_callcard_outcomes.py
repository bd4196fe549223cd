"""Each outcome of a call from the list: what it does to the lead, its call state and its timeline; the list then
moves on to the next lead, and a finished list is replaced by a new one."""

import datetime

import pytest
from django.utils import timezone

from podbor.conftest import stage_named
from podbor.crm.models import Deal, TimelineEntry
from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.calllists.outcomes import call_item_outcome
from podbor.routing.models import CallList, CallListItem, LeadCallState
from podbor.routing.tests.calllist_world import a_filter, callback, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_list(pipeline, manager_a):
    a_filter(pipeline)
    leads(2, actor=manager_a, pipeline=pipeline)
    return call_list_build(user=manager_a, why=WHY_ASKED)


def _first(call_list) -> CallListItem:
    return call_list.items.order_by("position").first()


def _calls(deal) -> list[TimelineEntry]:
    return list(TimelineEntry.objects.filter(deal=deal, kind=TimelineEntry.Kind.CALL))


def test_no_answer_counts_the_attempt_and_sets_a_callback_growing_with_attempts(call_list, manager_a):
    item = _first(call_list)
    callback(item.deal, at=timezone.now() - datetime.timedelta(minutes=1), attempts=1)
    now = timezone.now()

    result = call_item_outcome(item=item, actor=manager_a, outcome="no_answer", now=now)

    state = LeadCallState.objects.get(deal=item.deal)
    assert state.attempts == 2
    assert state.callback_at == now + datetime.timedelta(hours=1)
    assert state.last_outcome == "no_answer"
    assert _calls(item.deal)[0].data["outcome"] == "no_answer"
    assert result.item.state == CallListItem.State.DONE
    assert result.next_item.pk != item.pk and result.next_item.call_list_id == call_list.pk


def test_the_first_no_answer_waits_fifteen_minutes_and_the_third_a_day(call_list, manager_a):
    item = _first(call_list)
    now = timezone.now()
    call_item_outcome(item=item, actor=manager_a, outcome="no_answer", now=now)
    assert LeadCallState.objects.get(deal=item.deal).callback_at == now + datetime.timedelta(minutes=15)

    LeadCallState.objects.filter(deal=item.deal).update(attempts=2)
    other = CallListItem.objects.create(call_list=call_list, deal=item.deal, position=9)
    call_item_outcome(item=other, actor=manager_a, outcome="no_answer", now=now)

    assert LeadCallState.objects.get(deal=item.deal).callback_at == now + datetime.timedelta(days=1)


def test_call_back_later_keeps_the_chosen_time_and_pins_the_lead_when_asked(call_list, manager_a):
    item = _first(call_list)
    at = timezone.now() + datetime.timedelta(hours=3)

    call_item_outcome(item=item, actor=manager_a, outcome="call_back", callback_at=at, pin=True)

    state = LeadCallState.objects.get(deal=item.deal)
    assert (state.callback_at, state.pinned_user_id, state.attempts) == (at, manager_a.pk, 0)
    assert _calls(item.deal)[0].data["pinned"] is True


def test_refused_closes_the_deal_as_lost_with_the_reason(call_list, manager_a, pipeline):
    item = _first(call_list)
    reason = pipeline.lost_reasons.first()

    call_item_outcome(item=item, actor=manager_a, outcome="refused", lost_reason=reason)

    deal = Deal.objects.get(pk=item.deal_id)
    assert deal.stage == stage_named(pipeline, "Отказ")
    assert deal.lost_reason == reason and deal.closed_at is not None
    assert LeadCallState.objects.get(deal=deal).callback_at is None


def test_interested_moves_the_deal_to_the_next_open_stage(call_list, manager_a, pipeline):
    item = _first(call_list)

    call_item_outcome(item=item, actor=manager_a, outcome="interested")

    assert Deal.objects.get(pk=item.deal_id).stage == stage_named(pipeline, "Квалификация")
    assert _calls(item.deal)[0].author == manager_a


def test_the_last_outcome_finishes_the_list_and_a_new_one_is_built(call_list, manager_a, pipeline):
    first, second = call_list.items.order_by("position")
    call_item_outcome(item=first, actor=manager_a, outcome="interested")
    fresh = leads(1, actor=manager_a, pipeline=pipeline)[0]

    result = call_item_outcome(item=second, actor=manager_a, outcome="interested")

    current = CallList.objects.get(user=manager_a, closed_at__isnull=True)
    assert result.new_list is True
    assert current.pk != call_list.pk and current.why == "list_finished"
    assert result.next_item.deal_id == fresh.pk
