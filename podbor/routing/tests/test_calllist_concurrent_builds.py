"""Managers building their lists at the same moment (real threads, own connections) never share a lead."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection

from podbor.accounts.services import user_create
from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.models import CallListItem
from podbor.routing.tests.calllist_world import a_filter, leads

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_managers_building_at_once_never_share_a_lead(settings, pipeline, team_a, manager_a):
    settings.CALL_LIST_SIZE = 10
    a_filter(pipeline)
    leads(30, actor=manager_a, pipeline=pipeline)
    managers = [manager_a] + [user_create(username=f"caller{i}", password="x", team=team_a) for i in range(3)]
    start = Barrier(len(managers))

    def build(user):
        try:
            start.wait()
            return call_list_build(user=user, why=WHY_ASKED).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(managers)) as pool:
        list(pool.map(build, managers))

    open_items = list(CallListItem.objects.filter(state=CallListItem.State.OPEN).values_list("deal_id", flat=True))
    assert len(open_items) == 30
    assert len(set(open_items)) == 30
