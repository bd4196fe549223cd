"""The filter a manager chooses is remembered: coming to work, finishing the list or a new day builds from it until
they choose another. A chosen filter that is gone, inactive or needs a skill the manager lacks falls back to all
their filters by share, without an error."""

import datetime

import pytest
from django.utils import timezone

from podbor.accounts.models import Skill, User
from podbor.accounts.services import presence_set
from podbor.events.services import events_dispatch_pending
from podbor.routing.calllists.building import (
    call_list_build,
    call_list_ensure,
    call_list_for_work,
    call_list_rebuild,
)
from podbor.routing.calllists.filters import call_list_filter_delete, call_list_filter_shares_set
from podbor.routing.calllists.outcomes import call_item_outcome
from podbor.routing.models import CallList
from podbor.routing.tests.calllist_world import a_filter, deal_ids, leads

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, pipeline, manager_a):
    settings.CALL_LIST_SIZE = 2
    hh = a_filter(pipeline, name="hh", weight=50, sources=["hh.ru"])
    site = a_filter(pipeline, name="site", weight=50, sources=["site"])
    hh.leads = leads(4, actor=manager_a, pipeline=pipeline, source="hh.ru")
    site.leads = leads(4, actor=manager_a, pipeline=pipeline, source="site")
    return hh, site


def _sources(call_list: CallList) -> set[str]:
    return set(call_list.items.filter(state="open").values_list("deal__source", flat=True))


def test_choosing_a_filter_is_stored_on_the_list_and_says_so(world, manager_a):
    _hh, site = world

    call_list = call_list_rebuild(user=manager_a, only_filter=site)

    assert call_list.chosen_filter == site and call_list.why == "filter_changed"
    assert _sources(call_list) == {"site"}


def test_finishing_the_list_builds_the_next_one_from_the_chosen_filter(world, manager_a):
    _hh, site = world
    call_list_rebuild(user=manager_a, only_filter=site)

    for item in list(CallList.objects.get(user=manager_a, closed_at__isnull=True).items.filter(state="open")):
        result = call_item_outcome(item=item, actor=manager_a, outcome="no_answer")

    assert result.new_list
    after = CallList.objects.get(user=manager_a, closed_at__isnull=True)
    assert after.why == "list_finished" and after.chosen_filter == site
    assert _sources(after) == {"site"}


def test_coming_to_work_and_a_new_day_keep_the_chosen_filter(world, manager_a):
    _hh, site = world
    yesterday = timezone.now() - datetime.timedelta(days=1)
    call_list_build(user=manager_a, why="asked", only_filter=site, now=yesterday)
    CallList.objects.filter(user=manager_a).update(closed_at=yesterday)  # yesterday's list was finished and closed

    presence_set(user=manager_a, status=User.Presence.AT_WORK)
    events_dispatch_pending()

    today = CallList.objects.get(user=manager_a, closed_at__isnull=True)
    assert today.why == "came_to_work" and today.chosen_filter == site
    assert _sources(today) == {"site"}
    assert call_list_for_work(user=manager_a) == today


def test_a_list_asked_for_without_a_choice_keeps_it(world, manager_a):
    _hh, site = world
    call_list_rebuild(user=manager_a, only_filter=site)

    again = call_list_rebuild(user=manager_a)

    assert again.why == "asked" and again.chosen_filter == site
    assert _sources(again) == {"site"}


def test_choosing_all_filters_forgets_the_choice(world, manager_a):
    _hh, site = world
    call_list_rebuild(user=manager_a, only_filter=site)

    call_list = call_list_rebuild(user=manager_a, only_filter=None)

    assert call_list.why == "filter_changed" and call_list.chosen_filter is None
    assert _sources(call_list) == {"hh.ru", "site"}
    assert call_list_ensure(user=manager_a) == call_list


def test_a_deleted_chosen_filter_falls_back_to_all_filters(world, admin_user, manager_a):
    hh, site = world
    call_list_rebuild(user=manager_a, only_filter=site)
    call_list_filter_shares_set(actor=admin_user, shares={hh.pk: (100, True), site.pk: (0, False)})
    call_list_filter_delete(actor=admin_user, call_filter=site)

    call_list = call_list_rebuild(user=manager_a)

    assert call_list.chosen_filter is None
    assert _sources(call_list) == {"hh.ru"}


def test_a_deactivated_chosen_filter_falls_back_to_all_filters(world, admin_user, manager_a):
    hh, site = world
    call_list_rebuild(user=manager_a, only_filter=site)
    call_list_filter_shares_set(actor=admin_user, shares={hh.pk: (100, True), site.pk: (50, False)})

    call_list = call_list_rebuild(user=manager_a)

    assert call_list.chosen_filter is None
    assert deal_ids(call_list) and _sources(call_list) == {"hh.ru"}


def test_a_chosen_filter_needing_a_skill_the_manager_lost_falls_back_to_all_filters(world, manager_a):
    _hh, site = world
    english = Skill.objects.create(code="english", name="English")
    manager_a.skills.add(english)
    site.required_skills.add(english)
    call_list_rebuild(user=manager_a, only_filter=site)
    manager_a.skills.remove(english)

    call_list = call_list_rebuild(user=manager_a)

    assert call_list.chosen_filter is None
    assert _sources(call_list) == {"hh.ru"}
