from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from podbor.intake.services import inbound_event_process, inbound_events_sweep


@task()
def intake_process(event_id: int) -> str:
    return inbound_event_process(event_id=event_id).status


@db_periodic_task(crontab(minute="*"))
def intake_sweep() -> int:
    """Events whose job was lost (a crash, a queue outage) are processed here."""
    return inbound_events_sweep()
