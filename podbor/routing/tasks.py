from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from podbor.routing.services import queue_hand_out


@db_periodic_task(crontab(minute="*"))
def routing_queue_sweep() -> int:
    """Queued deals are retried every minute: a working schedule starts a shift without anyone clicking."""
    return queue_hand_out()
