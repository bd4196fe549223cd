from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from podbor.automation.services import instances_sweep, wake_when_due


@task(priority=50)  # a due timer goes before event dispatch and other routine jobs
def process_wake(instance_id: int, due: str) -> None:
    """Queued for a timer's due time (or a retry's): fires it on time."""
    wake_when_due(instance_id=instance_id, due=due)


@db_periodic_task(crontab(minute="*"))
def processes_sweep() -> int:
    """Timers whose job was lost (a crash, a restart) and cycle ticks."""
    return instances_sweep()


@HUEY.on_startup()
def processes_sweep_on_start() -> None:
    """A worker that comes back after a crash fires what fell due meanwhile at once, not a minute later."""
    if not HUEY.immediate:
        instances_sweep()
