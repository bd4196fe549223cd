"""Dispatchers share a burst of events: each event handled once, nobody waits on another's subscriber."""

import threading
import time

import pytest
from django.db import connection

from podbor.events.models import DomainEvent, EventHandled
from podbor.events.registry import subscribe, unsubscribe
from podbor.events.services import JOB_EVENTS, event_record, events_dispatch_job, events_dispatch_pending
from podbor.events.tests.postgres import needs_postgresql


@pytest.fixture
def slow_subscriber(db):
    got: list[tuple[str, int]] = []
    lock = threading.Lock()

    def handler(event):
        time.sleep(0.05)  # a subscriber that does real work
        with lock:
            got.append((threading.current_thread().name, event.pk))

    subscribe("test.slow", "test-slow", handler)
    yield got
    unsubscribe("test.slow", "test-slow")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_split_a_burst_and_handle_each_event_once(slow_subscriber):
    events = DomainEvent.objects.bulk_create(DomainEvent(kind="test.slow") for _ in range(20))  # not dispatched yet
    counts: dict[str, int] = {}

    def run(name):
        try:
            counts[name] = events_dispatch_pending()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,), name=name) for name in ("one", "two")]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    assert sorted(pk for _, pk in slow_subscriber) == sorted(event.pk for event in events)
    assert counts["one"] + counts["two"] == 20
    assert counts["one"] > 0 and counts["two"] > 0, counts  # they shared the work instead of queueing
    assert EventHandled.objects.filter(subscriber="test-slow").count() == 20
    assert not DomainEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert elapsed < 20 * 0.05 * 0.9  # less than one dispatcher alone would take


def test_events_nobody_listens_to_are_marked_in_one_statement(db, django_assert_max_num_queries):
    for _ in range(30):
        event_record(kind="test.unheard")
    # The UPDATE, then one claim that finds nothing heard (inside its savepoint).
    with django_assert_max_num_queries(4):
        assert events_dispatch_pending() == 30
    assert not DomainEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_a_job_hands_over_a_capped_share_and_queues_the_rest(slow_subscriber, monkeypatch):
    from huey.contrib.djhuey import HUEY

    from podbor.events import services

    for _ in range(JOB_EVENTS + 7):
        event_record(kind="test.slow")
    DomainEvent.objects.update(dispatched_at=None)  # as if no job had run (jobs run inline in tests)
    EventHandled.objects.all().delete()
    slow_subscriber.clear()
    queued = []
    monkeypatch.setattr(HUEY, "immediate", False)  # a worker's job: the rest goes to the next job
    monkeypatch.setattr(services, "_enqueue_dispatch_now", lambda: queued.append("job"))

    assert events_dispatch_job() == JOB_EVENTS
    assert len(slow_subscriber) == JOB_EVENTS and queued == ["job"]
    assert DomainEvent.objects.filter(dispatched_at__isnull=True).count() == 7


def test_jobs_run_inline_hand_over_a_large_pile_without_nesting(db):
    DomainEvent.objects.bulk_create(DomainEvent(kind="test.heard") for _ in range(JOB_EVENTS * 30))
    subscribe("test.heard", "test-heard", lambda event: None)
    try:
        assert events_dispatch_job() == JOB_EVENTS * 30  # in one call: no job nested in another per 50 events
    finally:
        unsubscribe("test.heard", "test-heard")
    assert not DomainEvent.objects.filter(dispatched_at__isnull=True).exists()
