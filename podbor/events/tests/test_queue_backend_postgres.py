"""The job queue on PostgreSQL (``HUEY_DATABASE_URL``): jobs queued through the Django Tasks API are run by a real
``manage.py run_huey`` on time, in priority order, with the periodic tasks and startup hooks.

The worker and this test process both take their queue from settings.py with ``HUEY_DATABASE_URL`` pointing at the
test database. On SQLite these tests skip; CI runs the suite on PostgreSQL too.
"""

import datetime
import os
import re
import runpy
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task

from podbor.events.models import DomainEvent
from podbor.events.tests.postgres import needs_postgresql
from podbor.lib.database_url import database_url

ROOT = Path(__file__).resolve().parents[3]
SETTINGS_FILE = ROOT / "podbor" / "settings.py"



@task()
def queue_probe(label: str) -> str:
    """A job the worker can import by its path; the row it writes says when it ran and where (Podbor's backend
    keeps no result records: the database row is the truth)."""
    DomainEvent.objects.create(kind="test.queue_probe", payload={"label": label, "pid": os.getpid()})
    return label


def _ran(label: str) -> DomainEvent | None:
    return DomainEvent.objects.filter(kind="test.queue_probe", payload__label=label).first()


def _settings_huey(monkeypatch, **env: str) -> dict:
    """settings.HUEY as settings.py computes it from these environment variables."""
    for name in ("HUEY_DATABASE_URL", "HUEY_DATABASE_URL_FILE", "HUEY_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))["HUEY"]


def _test_database_url() -> str:
    return database_url(connection.settings_dict)


class _Worker:
    """``manage.py run_huey`` in its own process group, on the test database and its PostgreSQL queue."""

    def __init__(self, queue_url: str, log_file: Path):
        self.env = os.environ | {
            "DATABASE_URL": queue_url,
            "HUEY_DATABASE_URL": queue_url,
            "HUEY_IMMEDIATE": "false",
            "DJANGO_SETTINGS_MODULE": "podbor.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
        }
        self.env.pop("HUEY_REDIS_URL", None)
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        """Logs at DEBUG, which names each startup hook it calls."""
        with open(self.log_file, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "manage.py", "run_huey", "-w", "2", "-k", "thread", "--huey-verbose"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def log(self) -> str:
        return self.log_file.read_text(errors="replace")[-6000:] if self.log_file.exists() else ""

    def wait_for(self, predicate, *, timeout: float, what: str):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := predicate():
                return value
            time.sleep(0.05)
        raise AssertionError(f"{what} did not happen within {timeout} s; worker log:\n{self.log()}")


@pytest.fixture
def pg_queue(transactional_db, monkeypatch, tmp_path):
    """This process queues into PostgreSQL as settings.py configures it; the worker (not started) reads there."""
    from huey.contrib.djhuey import HUEY
    from huey.utils import load_class

    url = _test_database_url()
    config = _settings_huey(monkeypatch, HUEY_DATABASE_URL=url)
    saved = HUEY.storage_class, dict(HUEY.storage_kwargs)
    HUEY.storage_class = load_class(config["huey_class"]).storage_class
    HUEY.storage_kwargs.clear()
    HUEY.storage_kwargs.update(config["connection"])
    HUEY.immediate = False  # recreates the storage: PostgresStorage, which creates its tables
    HUEY.flush()
    worker = _Worker(url, tmp_path / "worker.log")
    try:
        yield worker
    finally:
        worker.stop()
        HUEY.flush()
        HUEY.storage.close()  # the test database is dropped at the end: no connection may be left open
        HUEY.storage_class = saved[0]
        HUEY.storage_kwargs.clear()
        HUEY.storage_kwargs.update(saved[1])
        HUEY.immediate = True




def test_huey_database_url_puts_the_queue_on_postgresql_with_periodic_tasks(monkeypatch, tmp_path):
    config = _settings_huey(monkeypatch, HUEY_DATABASE_URL="postgres://queue:p%40ss@db.internal:6432/podbor?sslmode=require")

    assert config["huey_class"] == "huey.PostgresHuey"
    assert config["connection"] == {"host": "db.internal", "port": 6432, "dbname": "podbor", "user": "queue",
                                    "password": "p@ss", "sslmode": "require"}
    assert config["consumer"]["periodic"] is True
    secret = tmp_path / "huey_database_url"
    secret.write_text("postgresql://queue@db.internal/podbor\n")
    from_file = _settings_huey(monkeypatch, HUEY_DATABASE_URL_FILE=str(secret))
    assert from_file["connection"] == {"host": "db.internal", "dbname": "podbor", "user": "queue"}
    assert _settings_huey(monkeypatch)["huey_class"] == "huey.SqliteHuey"


def test_huey_database_url_refuses_another_database_and_a_second_queue(monkeypatch):
    with pytest.raises(ImproperlyConfigured):
        _settings_huey(monkeypatch, HUEY_DATABASE_URL="sqlite:///var/huey.sqlite3")
    with pytest.raises(ImproperlyConfigured):
        _settings_huey(monkeypatch, HUEY_DATABASE_URL="postgres://u:p@h/db", HUEY_REDIS_URL="redis://h:6379/0")


@needs_postgresql
def test_a_job_queued_through_the_tasks_api_runs_in_a_real_worker(pg_queue):
    pg_queue.start()

    queued = queue_probe.enqueue("now")

    assert queued.status == TaskResultStatus.READY
    ran = pg_queue.wait_for(lambda: _ran("now"), timeout=30, what="the job")
    assert ran.payload["pid"] == pg_queue.proc.pid  # the worker ran it, not this process


@needs_postgresql
def test_a_job_with_run_after_waits_for_its_time_and_then_runs_at_once(pg_queue):
    pg_queue.start()
    queue_probe.enqueue("warm-up")
    pg_queue.wait_for(lambda: _ran("warm-up"), timeout=30, what="the worker's first job")

    due = timezone.now() + datetime.timedelta(seconds=3)
    queue_probe.using(run_after=due).enqueue("later")
    time.sleep(max(0.0, (due - timezone.now()).total_seconds() - 0.3))
    assert _ran("later") is None, "the job ran before its run_after"

    ran = pg_queue.wait_for(lambda: _ran("later"), timeout=10, what="the delayed job")
    late = (ran.created_at - due).total_seconds()
    assert 0 <= late < 1.5, f"the job started {late:.3f} s after its run_after"


@needs_postgresql
def test_higher_priority_jobs_leave_the_postgresql_queue_first(pg_queue):
    from huey.contrib.djhuey import HUEY

    for label, priority in [("a", 0), ("b", -10), ("c", 50), ("d", 10), ("e", 50)]:
        queue_probe.using(priority=priority).enqueue(label)

    order = []
    for _ in range(5):
        job = HUEY.dequeue()
        _task_path, args, _kwargs = job.args
        order.append(args[0])
    assert default_task_backend.supports_priority is True
    assert order == ["c", "e", "d", "a", "b"]


@needs_postgresql
def test_the_worker_runs_the_startup_hooks_and_the_periodic_tasks_from_the_postgresql_queue(pg_queue):
    # An outbox event whose dispatch job was lost: only the periodic sweeper picks it up.
    event = DomainEvent.objects.create(kind="test.queue-backend")
    DomainEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=2))

    pg_queue.start()

    pg_queue.wait_for(lambda: DomainEvent.objects.get(pk=event.pk).dispatched_at is not None, timeout=30,
                      what="the periodic events_sweep")
    log = pg_queue.log()
    assert 'calling startup hook "processes_sweep_on_start"' in log
    assert not re.search(r'startup hook "[^"]+" failed', log)
