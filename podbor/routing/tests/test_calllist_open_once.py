"""One lead is never in two open lists at once; a new list releases the manager's unfinished leads to others."""

import pytest
from django.db import IntegrityError, transaction

from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.models import CallList, CallListItem
from podbor.routing.tests.calllist_world import a_filter, deal_ids, leads

pytestmark = pytest.mark.django_db


def test_a_lead_in_one_managers_open_list_is_not_given_to_another(settings, pipeline, manager_a, manager_a2):
    settings.CALL_LIST_SIZE = 3
    a_filter(pipeline)
    leads(5, actor=manager_a, pipeline=pipeline)

    first = call_list_build(user=manager_a, why=WHY_ASKED)
    second = call_list_build(user=manager_a2, why=WHY_ASKED)

    assert len(deal_ids(second)) == 2
    assert not set(deal_ids(first)) & set(deal_ids(second))


def test_a_new_list_releases_the_unfinished_leads_and_closes_the_old_list(settings, pipeline, manager_a, manager_a2):
    settings.CALL_LIST_SIZE = 3
    a_filter(pipeline)
    leads(3, actor=manager_a, pipeline=pipeline)
    old = call_list_build(user=manager_a, why=WHY_ASKED)
    taken = set(deal_ids(old))

    call_list_build(user=manager_a, why=WHY_ASKED)
    old.refresh_from_db()

    assert old.closed_at is not None
    assert set(deal_ids(old, state=CallListItem.State.RELEASED)) == taken
    assert CallList.objects.filter(user=manager_a, closed_at__isnull=True).count() == 1


def test_the_database_refuses_a_second_open_item_for_one_lead(pipeline, manager_a, manager_a2):
    a_filter(pipeline)
    leads(1, actor=manager_a, pipeline=pipeline)
    first = call_list_build(user=manager_a, why=WHY_ASKED)
    other = CallList.objects.create(user=manager_a2, built_at=first.built_at)

    with pytest.raises(IntegrityError), transaction.atomic():
        CallListItem.objects.create(call_list=other, deal_id=deal_ids(first)[0])
