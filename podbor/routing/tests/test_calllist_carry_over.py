"""At the end of the day unfinished leads carry over: the next day's list starts with them. The same day, a new
list releases them instead."""

import datetime

import pytest
from django.utils import timezone

from podbor.routing.calllists.building import WHY_ASKED, call_list_build, call_list_ensure
from podbor.routing.models import CallListItem
from podbor.routing.tests.calllist_world import a_filter, deal_ids, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def yesterdays_list(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 3
    a_filter(pipeline)
    leads(3, actor=manager_a, pipeline=pipeline)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    call_list = call_list_build(user=manager_a, why=WHY_ASKED, now=yesterday)
    leads(3, actor=manager_a, pipeline=pipeline)  # newer leads arrive overnight
    return call_list


def test_the_next_days_list_starts_with_yesterdays_unfinished_leads(yesterdays_list, manager_a):
    unfinished = deal_ids(yesterdays_list)

    today = call_list_ensure(user=manager_a)

    assert today.pk != yesterdays_list.pk
    assert deal_ids(today) == unfinished
    assert CallListItem.objects.filter(deal_id__in=unfinished, state=CallListItem.State.OPEN).count() == 3


def test_a_list_rebuilt_the_same_day_releases_its_unfinished_leads(settings, pipeline, manager_a, manager_a2):
    settings.CALL_LIST_SIZE = 2
    a_filter(pipeline, weight=50)
    vk = a_filter(pipeline, name="VK", weight=50, sources=["vk"])
    leads(2, actor=manager_a, pipeline=pipeline)
    morning = call_list_build(user=manager_a, why=WHY_ASKED)

    noon = call_list_build(user=manager_a, why=WHY_ASKED, only_filter=vk)
    colleague = call_list_build(user=manager_a2, why=WHY_ASKED)

    assert set(deal_ids(morning, state=CallListItem.State.RELEASED)) == set(deal_ids(colleague))
    assert deal_ids(noon) == []
