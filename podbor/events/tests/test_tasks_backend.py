from django_tasks import default_task_backend, task
from huey.contrib.djhuey import HUEY

from podbor.events.models import DomainEvent


@task()
def note_it(label: str) -> None:
    DomainEvent.objects.create(kind="test.noted", payload={"label": label})


def test_a_job_runs_and_leaves_no_result_record_behind(db, django_capture_on_commit_callbacks):
    before = HUEY.result_count()
    with django_capture_on_commit_callbacks(execute=True):
        queued = note_it.enqueue("hello")
    assert DomainEvent.objects.filter(kind="test.noted", payload__label="hello").exists()
    assert HUEY.result_count() == before  # nothing piles up in the queue's storage
    assert queued.task.module_path.endswith("note_it")
    assert default_task_backend.supports_get_result is False


@task()
def no_database_needed(label: str) -> str:
    return label


def test_queueing_outside_a_transaction_opens_no_database_connection(db):
    # A debounce timer queues from a fresh thread: asking the database whether a transaction is open would open a
    # new connection there for every job.
    import threading

    from django.db import connections

    opened: list[bool] = []

    def queue_from_a_fresh_thread():
        no_database_needed.enqueue("tick")
        opened.append(connections["default"].connection is not None)
        connections.close_all()

    thread = threading.Thread(target=queue_from_a_fresh_thread)
    thread.start()
    thread.join()
    assert opened == [False]
