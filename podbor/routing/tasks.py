from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from podbor.routing.calllists.release import call_lists_release_absent
from podbor.routing.services import queue_hand_out


@db_periodic_task(crontab(minute="*"))
def routing_queue_sweep() -> int:
    """Queued deals are retried every minute: a working schedule starts a shift without anyone clicking."""
    return queue_hand_out()


@db_periodic_task(crontab(minute="*/5"))
def routing_call_lists_release() -> int:
    """Leads held in the lists of managers Off for CALL_LIST_RELEASE_HOURS go back for others to call; an absence
    is counted in hours, so a few minutes' delay does not matter."""
    return call_lists_release_absent()
