import pytest

from podbor.crm.models import Contact
from podbor.crm.services import contact_create
from podbor.events.models import DomainEvent, EventHandled
from podbor.events.registry import subscribe, subscribers_for, unsubscribe
from podbor.events.services import event_record, events_dispatch_pending


@pytest.fixture
def seen(db):
    """Two subscribers: one that notes what it got, one that fails on events flagged ``fail``."""
    got: list[tuple[str, int]] = []

    def recorder(event):
        got.append(("recorder", event.pk))

    def picky(event):
        if event.payload.get("fail"):
            raise RuntimeError("downstream is down")
        got.append(("picky", event.pk))

    subscribe("test.thing", "test-recorder", recorder)
    subscribe("test.thing", "test-picky", picky)
    yield got
    unsubscribe("test.thing", "test-recorder")
    unsubscribe("test.thing", "test-picky")


def test_a_subscriber_gets_an_event_exactly_once_even_when_dispatch_runs_twice(seen):
    event = event_record(kind="test.thing")
    assert events_dispatch_pending() == 1
    assert events_dispatch_pending() == 0
    assert sorted(seen) == [("picky", event.pk), ("recorder", event.pk)]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert EventHandled.objects.filter(event=event).count() == 2


def test_a_failing_subscriber_leaves_the_event_pending_and_later_events_go_on(seen):
    stuck = event_record(kind="test.thing", payload={"fail": True})
    later = event_record(kind="test.thing")
    assert events_dispatch_pending() == 1
    assert ("picky", later.pk) in seen and ("recorder", later.pk) in seen
    # The subscriber that worked is not asked again; the failing one is retried next time.
    assert seen.count(("recorder", stuck.pk)) == 1
    stuck.refresh_from_db()
    assert stuck.dispatched_at is None
    assert list(EventHandled.objects.filter(event=stuck).values_list("subscriber", flat=True)) == ["test-recorder"]
    DomainEvent.objects.filter(pk=stuck.pk).update(payload={})
    assert events_dispatch_pending() == 1
    assert seen.count(("recorder", stuck.pk)) == 1 and ("picky", stuck.pk) in seen


def test_failing_events_do_not_use_up_the_limit_of_a_run(seen):
    for _ in range(3):
        event_record(kind="test.thing", payload={"fail": True})
    fine = event_record(kind="test.thing")
    assert events_dispatch_pending(limit=2) == 1
    assert ("picky", fine.pk) in seen


def test_a_failing_subscriber_leaves_none_of_its_writes(seen):
    def half_done(event):
        contact_create(actor=None, first_name="Призрак")
        raise RuntimeError("crashed after writing")

    subscribe("test.thing", "test-half-done", half_done)
    try:
        event_record(kind="test.thing")
        events_dispatch_pending()
    finally:
        unsubscribe("test.thing", "test-half-done")
    assert not Contact.objects.filter(first_name="Призрак").exists()
    assert not EventHandled.objects.filter(subscriber="test-half-done").exists()


def test_an_event_nobody_listens_to_is_simply_marked_dispatched(db):
    event = event_record(kind="test.unheard")
    assert events_dispatch_pending() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_unsubscribe_removes_only_the_named_handler(seen):
    unsubscribe("test.thing", "test-picky")
    assert list(subscribers_for("test.thing")) == ["test-recorder"]
    unsubscribe("test.thing", "nobody")
