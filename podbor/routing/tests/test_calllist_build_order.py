"""A list is built in order: due callbacks first (the earliest first), then the filters' leads, newest first.
A callback pinned to another manager waits for them for 30 minutes after its time; then anyone may take it."""

import datetime

import pytest
from django.utils import timezone

from podbor.routing.calllists.building import WHY_ASKED, call_list_build
from podbor.routing.tests.calllist_world import a_filter, callback, deal_ids, lead, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(pipeline, manager_a, manager_a2):
    a_filter(pipeline)
    return leads(4, actor=manager_a, pipeline=pipeline)


def test_due_callbacks_come_first_earliest_first_then_the_newest_leads(world, pipeline, manager_a):
    now = timezone.now()
    older, newer = world[0], world[1]
    callback(newer, at=now - datetime.timedelta(minutes=5))
    callback(older, at=now - datetime.timedelta(minutes=50))

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert deal_ids(call_list) == [older.pk, newer.pk, world[3].pk, world[2].pk]
    flags = list(call_list.items.order_by("position").values_list("is_callback", flat=True))
    assert flags == [True, True, False, False]


def test_a_callback_not_yet_due_is_left_for_its_time(world, manager_a):
    callback(world[3], at=timezone.now() + datetime.timedelta(minutes=10))

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert world[3].pk not in deal_ids(call_list)


def test_a_fresh_callback_pinned_to_another_manager_is_skipped_by_others(world, manager_a, manager_a2):
    pinned = world[0]
    callback(pinned, at=timezone.now() - datetime.timedelta(minutes=10), pinned=manager_a)

    others = call_list_build(user=manager_a2, why=WHY_ASKED)
    mine = call_list_build(user=manager_a, why=WHY_ASKED)

    assert pinned.pk not in deal_ids(others)
    assert deal_ids(mine)[0] == pinned.pk


def test_thirty_minutes_after_its_time_a_pinned_callback_goes_to_anyone(world, manager_a, manager_a2):
    pinned = world[0]
    callback(pinned, at=timezone.now() - datetime.timedelta(minutes=31), pinned=manager_a)

    others = call_list_build(user=manager_a2, why=WHY_ASKED)

    assert deal_ids(others)[0] == pinned.pk


def test_the_list_holds_at_most_the_configured_number_of_leads(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 3
    a_filter(pipeline)
    leads(5, actor=manager_a, pipeline=pipeline)

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert call_list.size == 3
    assert len(deal_ids(call_list)) == 3


def test_only_open_deals_the_manager_may_see_are_taken(pipeline, manager_a, manager_b):
    a_filter(pipeline)
    mine = lead(actor=manager_a, pipeline=pipeline, name="Свой")
    closed = lead(actor=manager_a, pipeline=pipeline, name="Закрытый")
    closed.closed_at = timezone.now()
    closed.save()
    foreign = lead(actor=manager_b, pipeline=pipeline, name="Чужой")
    callback(foreign, at=timezone.now() - datetime.timedelta(hours=2))

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert deal_ids(call_list) == [mine.pk]


def test_filters_narrow_by_stage_source_tag_and_field(pipeline, manager_a):
    from podbor.crm.models import CustomField

    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="shift", name="Смена")
    qualification = pipeline.stages.get(order=2)
    call_filter = a_filter(pipeline, sources=["hh.ru"], tags=["склад"], fields={"shift": "ночь"})
    call_filter.stages.set([qualification])
    wanted = lead(actor=manager_a, pipeline=pipeline, source="hh.ru", stage=qualification, tags=["склад"],
                  custom={"shift": "ночь"})
    lead(actor=manager_a, pipeline=pipeline, source="hh.ru", tags=["склад"], custom={"shift": "ночь"})
    lead(actor=manager_a, pipeline=pipeline, source="avito", stage=qualification, tags=["склад"],
         custom={"shift": "ночь"})
    lead(actor=manager_a, pipeline=pipeline, source="hh.ru", stage=qualification, custom={"shift": "ночь"})
    lead(actor=manager_a, pipeline=pipeline, source="hh.ru", stage=qualification, tags=["склад"],
         custom={"shift": "день"})

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert deal_ids(call_list) == [wanted.pk]
