from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from podbor.intake.services import inbound_events_drain, inbound_events_sweep


@task()
def intake_drain() -> int:
    """Process every waiting event, in batches (queued after deliveries, at most one per 50 ms per web process)."""
    return inbound_events_drain()


@task()
def intake_process(event_id: int) -> int:
    """Jobs queued by an earlier version, one per event: the drain takes that event with the others."""
    return inbound_events_drain()


@db_periodic_task(crontab(minute="*"))
def intake_sweep() -> int:
    """Events whose job was lost (a crash, a queue outage) are processed here."""
    return inbound_events_sweep()
