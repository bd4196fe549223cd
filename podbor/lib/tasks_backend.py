"""Huey's Django Tasks backend without result records.

Huey's backend keeps a result record per job so that ``get_result()`` can report on it: written when the job is
queued, again when it starts and when it ends, and never removed (they pile up in the queue's storage). Podbor
never asks: the database row a job works on is the truth (an event, a timer, a message to send), and a sweeper
finishes what a crash left behind. Without the records a job costs one write to queue and one to take, which is
most of the queue's cost on the intake's hot path. ``OPTIONS: {"results": True}`` keeps Huey's behaviour.
"""

from django.db import connection, transaction
from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json
from huey.contrib.djhuey import HUEY
from huey.contrib.djhuey import tasks_backend as huey_backend


class HueyBackend(huey_backend.HueyBackend):
    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.results = bool(self.options.get("results", False))
        self.supports_get_result = self.results

    def enqueue(self, task, args, kwargs):
        if self.results:
            return super().enqueue(task, args, kwargs)
        self.validate_task(task)
        self._check_resolvable(task)
        args = normalize_json(list(args))
        kwargs = normalize_json(kwargs)
        # The worker runs a job without a result record as a plain call (see huey's _execute_django_task).
        huey_task = huey_backend._shim.s(task.module_path, args, kwargs, priority=task.priority or None,
                                         eta=task.run_after)
        record = huey_backend._initial_record(self.alias, task, huey_task.id, args, kwargs)

        def _enqueue():
            record["enqueued_at"] = huey_backend._iso(timezone.now())
            HUEY.enqueue(huey_task)
            task_enqueued.send(sender=type(self), task_result=huey_backend._record_to_result(record))

        # Outside a transaction on_commit would run it at once anyway, but only after opening a database connection
        # to ask (a debounce timer's fresh thread opened a new PostgreSQL connection for every job it queued).
        if self.enqueue_on_commit and connection.in_atomic_block:
            transaction.on_commit(_enqueue)
        else:
            _enqueue()
        return huey_backend._record_to_result(record)
