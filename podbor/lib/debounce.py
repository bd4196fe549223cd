"""Queue a catch-up job at most once per interval from this process, and always once after the last call."""

import threading
import time
from collections.abc import Callable


class Debounced:
    """Call ``enqueue`` at most once per ``interval`` seconds, and always once after the last request.

    For jobs that handle *everything* waiting (drain the intake, dispatch the outbox): one job per write would
    only add queue traffic. A request inside the interval arms a timer that enqueues when the interval ends, so
    every committed row is followed by a job queued after its commit, which finds it (or another job took it).
    With Huey in immediate mode (tests, ``make run`` without a worker) every request enqueues at once.
    """

    def __init__(self, enqueue: Callable[[], None], *, interval: float):
        self.enqueue = enqueue
        self.interval = interval
        self.lock = threading.Lock()
        self.last = float("-inf")
        self.timer: threading.Timer | None = None

    def __call__(self) -> None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            self.enqueue()
            return
        now = time.monotonic()
        with self.lock:
            due = now - self.last >= self.interval
            if due:
                self.last = now
            elif self.timer is None:
                self.timer = threading.Timer(self.last + self.interval - now, self._fire)
                self.timer.daemon = True
                self.timer.start()
        if due:
            self.enqueue()

    def _fire(self) -> None:
        with self.lock:
            self.timer = None
            self.last = time.monotonic()
        self.enqueue()
