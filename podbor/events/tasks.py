from datetime import timedelta

from django_tasks import task
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from podbor.events.services import events_dispatch_job, events_dispatch_pending


@task()
def events_dispatch() -> int:
    return events_dispatch_job()


@db_periodic_task(crontab(minute="*"))
def events_sweep() -> int:
    """Finishes whatever a crash or a lost job left behind (a pile larger than one run goes on in jobs)."""
    limit = 500
    done = events_dispatch_pending(limit=limit, older_than=timedelta(seconds=30))
    if done >= limit:
        events_dispatch.enqueue()
    return done
