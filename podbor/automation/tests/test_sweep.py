"""The sweeper advances every overdue instance (timers whose job was lost, a worker that was down): a backlog larger
than one pass is cleared in one call, and a call stops at its time bound so the minutely job never overlaps itself."""

import datetime

import pytest
from django.utils import timezone

from podbor.automation.models import ProcessInstance
from podbor.automation.services import instances_sweep, process_deploy, process_start
from podbor.automation.tests.diagrams import chain

pytestmark = pytest.mark.django_db

WAIT = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1S'
        '</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')


@pytest.fixture
def overdue(admin_user):
    """``overdue(n)``: n instances whose one-second timer fell due an hour ago and whose wake-up job was lost."""
    definition = process_deploy(xml=chain("wait_a_second", "Подождать", [WAIT]), actor=admin_user)

    def make(count: int) -> list[int]:
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ids = [process_start(definition=definition, now=an_hour_ago).pk for _ in range(count)]
        assert ProcessInstance.objects.filter(pk__in=ids, status="waiting",
                                              next_timer_at__lt=timezone.now()).count() == count
        return ids

    return make


def test_more_overdue_instances_than_one_pass_takes_are_all_advanced_in_one_sweep(overdue):
    ids = overdue(7)

    assert instances_sweep(limit=3) == 7

    assert set(ProcessInstance.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"completed"}
    assert not ProcessInstance.objects.filter(next_timer_at__isnull=False).exists()


def test_a_sweep_stops_at_its_time_bound_and_the_next_one_goes_on(overdue):
    ids = overdue(4)

    assert instances_sweep(limit=2, max_seconds=0) == 1  # the bound is checked after every instance
    assert ProcessInstance.objects.filter(pk__in=ids, status="completed").count() == 1

    assert instances_sweep(limit=2) == 3
    assert ProcessInstance.objects.filter(pk__in=ids, status="completed").count() == 4


def test_a_sweep_with_nothing_due_advances_nothing(overdue, admin_user):
    definition = process_deploy(xml=chain("wait_later", "Позже", [WAIT]), actor=admin_user)
    waiting = process_start(definition=definition)  # due in a second, not yet

    assert instances_sweep(limit=2) == 0
    waiting.refresh_from_db()
    assert waiting.status == "waiting"


def test_an_instance_that_cannot_be_restored_does_not_hold_the_sweep(overdue):
    broken = overdue(1)
    ProcessInstance.objects.filter(pk__in=broken).update(state="{not json")
    healthy = overdue(2)

    assert instances_sweep(limit=1) == 3  # each instance once, the broken one (the oldest) included

    assert ProcessInstance.objects.filter(pk__in=healthy, status="completed").count() == 2
    assert ProcessInstance.objects.get(pk=broken[0]).next_timer_at is not None  # left for a person or a fix
