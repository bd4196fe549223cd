import logging
import threading
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from podbor.events.models import DomainEvent, EventHandled
from podbor.events.registry import subscribers_for

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


_dispatching = threading.local()


def _enqueue_dispatch() -> None:
    if getattr(_dispatching, "active", False):
        # A subscriber's own events, committed while this thread dispatches: the running loop reads them next.
        # (With jobs run inline, queueing here would nest a dispatch inside the subscriber, event after event.)
        _dispatching.again = True
        return
    from podbor.events.tasks import events_dispatch  # the task module imports this one

    try:
        events_dispatch.enqueue()
    except Exception:  # the queue being down must not fail the request: the sweeper catches up
        logger.warning("could not enqueue event dispatch; the sweeper will pick it up", exc_info=True)


def events_dispatch_pending(*, limit: int = 500, older_than: timedelta | None = None) -> int:
    """Hand undispatched events to their subscribers. Safe to run twice and from several workers.

    An event whose subscriber fails stays pending for the next run; the events after it go on, and
    ``limit`` counts dispatched events so that a pile of failing ones cannot starve the rest.
    """
    if getattr(_dispatching, "active", False):
        return 0
    _dispatching.active, _dispatching.again = True, False
    try:
        done = _dispatch(limit=limit, older_than=older_than)
    finally:
        _dispatching.active = False
    if _dispatching.again and done >= limit:
        _enqueue_dispatch()  # the loop stopped at its limit with more to do: another job goes on
    return done


def _dispatch(*, limit: int, older_than: timedelta | None) -> int:
    pending = DomainEvent.objects.filter(dispatched_at__isnull=True).order_by("id")
    if older_than is not None:
        pending = pending.filter(created_at__lte=timezone.now() - older_than)
    done, after = 0, 0
    while done < limit:
        batch = list(pending.filter(id__gt=after)[:limit])
        if not batch:
            break
        for event in batch:
            after = event.pk
            results = [_handle(event, name, handler) for name, handler in subscribers_for(event.kind).items()]
            if all(results):
                DomainEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
                done += 1
                if done >= limit:
                    break
    return done


def _handle(event: DomainEvent, name: str, handler) -> bool:
    """Run one subscriber once: True when it has handled the event (now or before), False when it failed."""
    if EventHandled.objects.filter(event=event, subscriber=name).exists():
        return True
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    EventHandled.objects.create(event=event, subscriber=name)
            except IntegrityError:
                return True  # another worker handled it
            # The mark and the handler's own writes commit together, or neither does.
            handler(event)
    except Exception:
        logger.exception("subscriber %s failed on event %s; it will be retried", name, event.pk)
        return False
    return True
