import logging
import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from podbor.events.models import DomainEvent, EventHandled
from podbor.events.registry import heard_kinds, subscribers_for
from podbor.lib.debounce import Debounced

logger = logging.getLogger(__name__)


def event_record(
    *,
    kind: str,
    deal_id: int | None = None,
    contact_id: int | None = None,
    actor_id: int | None = None,
    payload: dict | None = None,
) -> DomainEvent:
    """Write the outbox row in the caller's transaction and have it dispatched after commit."""
    event = DomainEvent.objects.create(
        kind=kind, deal_id=deal_id, contact_id=contact_id, actor_id=actor_id, payload=payload or {}
    )
    # One dispatch job per transaction is enough: it handles every pending event. (A rollback clears
    # run_on_commit, so checking it never leaves events without a job.)
    pending = transaction.get_connection().run_on_commit
    if not any(entry[1] is _enqueue_dispatch for entry in pending):
        transaction.on_commit(_enqueue_dispatch)
    return event


def events_record_many(events: list[DomainEvent]) -> list[DomainEvent]:
    """``event_record`` for many unsaved events at once (one INSERT), dispatched after commit."""
    if not events:
        return events
    created = DomainEvent.objects.bulk_create(events)
    pending = transaction.get_connection().run_on_commit
    if not any(entry[1] is _enqueue_dispatch for entry in pending):
        transaction.on_commit(_enqueue_dispatch)
    return created


# ``active`` while this thread hands events over: a subscriber's own events, committed meanwhile, are read by the
# running loop (their ids come later), so they queue no job of their own.
_dispatching = threading.local()

# A dispatch job hands over at most this many events, then queues the next job: a burst is shared between
# workers and a job never runs for long.
JOB_EVENTS = 50
# Events claimed and handed over in one transaction: fewer statements per event, while the subscribers' work still
# becomes visible within milliseconds and concurrent dispatchers still share a burst.
CLAIM_SIZE = 10


def _enqueue_dispatch_now() -> None:
    from podbor.events.tasks import events_dispatch  # the task module imports this one

    try:
        events_dispatch.enqueue()
    except Exception:  # the queue being down must not fail the request: the sweeper catches up
        logger.warning("could not enqueue event dispatch; the sweeper will pick it up", exc_info=True)


# Every dispatch job handles everything pending: one job per committing transaction would only add queue
# traffic (and jobs waiting on each other), so this process queues at most one per 50 ms, and one after the last.
_dispatch_soon = Debounced(_enqueue_dispatch_now, interval=0.05)


def _enqueue_dispatch() -> None:
    if getattr(_dispatching, "active", False):
        # A subscriber's own events, committed while this thread dispatches: the running loop reads them next.
        # (With jobs run inline, queueing here would nest a dispatch inside the subscriber, event after event.)
        return
    _dispatch_soon()


def events_dispatch_pending(*, limit: int = 500, older_than: timedelta | None = None) -> int:
    """Hand undispatched events to their subscribers. Safe to run twice and from several workers at once.

    Events are claimed a few at a time (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and handed over in one
    transaction, so concurrent dispatchers share the work instead of waiting on each other. An event whose
    subscriber fails stays pending for the next run; the events after it go on, and ``limit`` counts dispatched
    events so that a pile of failing ones cannot starve the rest. Returns how many events were dispatched.
    """
    if getattr(_dispatching, "active", False):
        return 0
    _dispatching.active = True
    try:
        return _dispatch(limit=limit, older_than=older_than)  # at its limit, the caller goes on (a job, the sweeper)
    finally:
        _dispatching.active = False


def events_dispatch_job() -> int:
    """What one dispatch job does: up to ``JOB_EVENTS`` events, then another job if there may be more.

    With jobs run inline (Huey's immediate mode: tests, one-off scripts) the next share is handed over here, in a
    loop: a job queued per 50 events would nest one call inside the other, as deep as the pile is high."""
    from huey.contrib.djhuey import HUEY

    done = share = events_dispatch_pending(limit=JOB_EVENTS)
    if share >= JOB_EVENTS and HUEY.immediate:
        while share >= JOB_EVENTS:
            share = events_dispatch_pending(limit=JOB_EVENTS)
            done += share
    elif share >= JOB_EVENTS:
        _enqueue_dispatch_now()
    return done


def _dispatch(*, limit: int, older_than: timedelta | None) -> int:
    cutoff = timezone.now() - older_than if older_than is not None else None
    heard = heard_kinds()
    done = _mark_unheard(cutoff, heard)
    after = 0
    while done < limit:
        try:
            with transaction.atomic():
                batch = _claim(after=after, cutoff=cutoff, kinds=heard, size=min(CLAIM_SIZE, limit - done))
                if not batch:
                    break
                after = batch[-1].pk
                done += _hand_over(batch)
        except IntegrityError:
            # Another dispatcher that cannot lock rows (SQLite) handled some of them meanwhile: this batch's work
            # is undone, and the next run skips what the other one recorded.
            logger.info("events %s… were handled concurrently; left for the next run", after)
    return done


def _claim(*, after: int, cutoff, kinds: frozenset[str] | None, size: int) -> list[DomainEvent]:
    """The next pending events no other dispatcher holds, locked until this transaction ends."""
    pending = DomainEvent.objects.select_for_update(skip_locked=True).filter(dispatched_at__isnull=True, id__gt=after)
    if cutoff is not None:
        pending = pending.filter(created_at__lte=cutoff)
    if kinds is not None:
        pending = pending.filter(kind__in=kinds)
    return list(pending.order_by("id")[:size])


def _hand_over(batch: list[DomainEvent]) -> int:
    """Each claimed event to each subscriber that has not had it; returns how many events every subscriber took.

    A subscriber's writes and its "handled" mark commit together with the claim, or not at all; a failing one is
    rolled back to its savepoint, and its event stays pending while the others' work is kept.
    """
    handled = set(EventHandled.objects.filter(event__in=batch).values_list("event_id", "subscriber"))
    marks, finished = [], []
    for event in batch:
        complete = True
        for name, handler in subscribers_for(event.kind).items():
            if (event.pk, name) in handled:
                continue
            if _handle(event, name, handler):
                marks.append(EventHandled(event=event, subscriber=name))
            else:
                complete = False
        if complete:
            finished.append(event.pk)
    EventHandled.objects.bulk_create(marks)
    if finished:
        DomainEvent.objects.filter(pk__in=finished).update(dispatched_at=timezone.now())
    return len(finished)


def _mark_unheard(cutoff, heard: frozenset[str] | None) -> int:
    """Events of kinds nobody listens to are dispatched in one statement."""
    if heard is None:
        return 0
    unheard = DomainEvent.objects.filter(dispatched_at__isnull=True).exclude(kind__in=heard)
    if cutoff is not None:
        unheard = unheard.filter(created_at__lte=cutoff)
    return unheard.update(dispatched_at=timezone.now())


def _handle(event: DomainEvent, name: str, handler) -> bool:
    """Run one subscriber in a savepoint: True when it handled the event, False when it failed (nothing kept)."""
    try:
        with transaction.atomic():
            handler(event)
    except Exception:
        logger.exception("subscriber %s failed on event %s; it will be retried", name, event.pk)
        return False
    return True
