"""Each filter gets its share of the list; a filter needing a skill the manager lacks gives them nothing and the
shares are recomputed over the rest; a filter short of leads leaves its places to the others."""

from collections import Counter

import pytest

from podbor.accounts.models import Skill
from podbor.routing.calllists.building import WHY_ASKED, call_list_build, shares_split
from podbor.routing.tests.calllist_world import a_filter, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(db) -> Skill:
    return Skill.objects.create(code="english", name="Английский")


@pytest.fixture
def two_filters(settings, pipeline, manager_a, english):
    settings.CALL_LIST_SIZE = 10
    hh = a_filter(pipeline, name="hh.ru", weight=70, sources=["hh.ru"])
    foreign = a_filter(pipeline, name="Иностранцы", weight=30, sources=["site"], skills=[english])
    leads(12, actor=manager_a, pipeline=pipeline, source="hh.ru")
    leads(12, actor=manager_a, pipeline=pipeline, source="site")
    return hh, foreign


def _by_filter(call_list) -> Counter:
    return Counter(call_list.items.values_list("source_filter_id", flat=True))


def test_a_manager_with_every_skill_gets_each_filter_by_its_share(two_filters, manager_a, english):
    manager_a.skills.add(english)
    hh, foreign = two_filters

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert _by_filter(call_list) == {hh.pk: 7, foreign.pk: 3}


def test_a_filter_needing_a_missing_skill_gives_nothing_and_the_rest_fill_the_list(two_filters, manager_a):
    hh, _foreign = two_filters

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert _by_filter(call_list) == {hh.pk: 10}


def test_a_filter_short_of_leads_leaves_its_places_to_the_others(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 10
    few = a_filter(pipeline, name="Редкие", weight=50, sources=["vk"])
    many = a_filter(pipeline, name="Частые", weight=50, sources=["hh.ru"])
    leads(2, actor=manager_a, pipeline=pipeline, source="vk")
    leads(15, actor=manager_a, pipeline=pipeline, source="hh.ru")

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    assert _by_filter(call_list) == {few.pk: 2, many.pk: 8}


def test_a_lead_matching_two_filters_is_taken_once(settings, pipeline, manager_a):
    a_filter(pipeline, name="Все", weight=50)
    a_filter(pipeline, name="Тоже все", weight=50)
    leads(3, actor=manager_a, pipeline=pipeline)

    call_list = call_list_build(user=manager_a, why=WHY_ASKED)

    deal_ids = list(call_list.items.values_list("deal_id", flat=True))
    assert len(deal_ids) == 3 == len(set(deal_ids))


def test_shares_split_adds_up_exactly_and_follows_the_weights():
    assert shares_split(20, [50, 30, 20]) == [10, 6, 4]
    assert shares_split(7, [50, 50]) == [4, 3]
    assert shares_split(5, [0, 0]) == [3, 2]
    assert sum(shares_split(19, [33, 33, 34])) == 19
