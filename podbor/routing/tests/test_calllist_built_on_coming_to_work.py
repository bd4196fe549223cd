"""A manager who comes to work finds their call list ready; coming back from a pause keeps today's list."""

import pytest

from podbor.accounts.models import User
from podbor.accounts.services import presence_set
from podbor.events.services import events_dispatch_pending
from podbor.routing.models import CallList
from podbor.routing.tests.calllist_world import a_filter, deal_ids, leads

pytestmark = pytest.mark.django_db


def _switch(user, status):
    """Switch and run the event dispatcher, as the worker does right after the commit."""
    presence_set(user=user, status=status)
    events_dispatch_pending()


def test_coming_to_work_builds_the_managers_list(pipeline, manager_a):
    a_filter(pipeline)
    created = leads(2, actor=manager_a, pipeline=pipeline)

    _switch(manager_a, User.Presence.AT_WORK)

    call_list = CallList.objects.get(user=manager_a, closed_at__isnull=True)
    assert call_list.why == "came_to_work"
    assert set(deal_ids(call_list)) == {d.pk for d in created}


def test_back_from_a_pause_the_same_list_goes_on(pipeline, manager_a):
    a_filter(pipeline)
    leads(2, actor=manager_a, pipeline=pipeline)
    _switch(manager_a, User.Presence.AT_WORK)
    morning = CallList.objects.get(user=manager_a, closed_at__isnull=True)

    _switch(manager_a, User.Presence.PAUSE)
    _switch(manager_a, User.Presence.AT_WORK)

    assert list(CallList.objects.filter(user=manager_a, closed_at__isnull=True)) == [morning]


def test_going_on_pause_builds_nothing(pipeline, manager_a):
    a_filter(pipeline)
    leads(1, actor=manager_a, pipeline=pipeline)

    _switch(manager_a, User.Presence.PAUSE)

    assert not CallList.objects.filter(user=manager_a).exists()
