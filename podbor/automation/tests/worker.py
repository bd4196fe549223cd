"""A real Huey worker (``manage.py run_huey``) on the test database, for the tests where time and crashes are real.

The test process stops running jobs inline and queues them in a SQLite queue file the worker reads, so a timer's
ETA job goes through Huey's scheduler exactly as in production.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from podbor.lib.database_url import database_url

ROOT = Path(__file__).resolve().parents[3]


class Worker:
    def __init__(self, queue_file: Path, log_file: Path):
        self.env = os.environ | {
            "DATABASE_URL": database_url(connection.settings_dict),
            "HUEY_IMMEDIATE": "false",
            "HUEY_SQLITE_FILE": str(queue_file),
            "HUEY_WORKERS": "2",
            "DJANGO_SETTINGS_MODULE": "podbor.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
        }
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_file, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen([sys.executable, "manage.py", "run_huey", "-w", "2", "-k", "thread"],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM killer would: no cleanup, whatever it was doing is cut off."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-4000:] if self.log_file.exists() else ""


@pytest.fixture
def real_worker(transactional_db, tmp_path):
    """A worker process (not started: call ``.start()``); jobs queued by the test go to its queue file."""
    from huey.contrib.djhuey import HUEY

    queue_file = tmp_path / "huey.sqlite3"
    saved = dict(HUEY.storage_kwargs)
    HUEY.storage_kwargs["filename"] = str(queue_file)
    HUEY.immediate = False  # recreates the storage from storage_kwargs: the worker's queue file
    worker = Worker(queue_file, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()
        HUEY.storage_kwargs.clear()
        HUEY.storage_kwargs.update(saved)
        HUEY.immediate = True


def wait_for(predicate, *, timeout: float, worker: Worker, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{what} did not happen within {timeout} s; worker log:\n{worker.log()}")
