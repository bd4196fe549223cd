"""The managers' open-untouched counters (kept by database triggers) always equal a count of the deals, whatever
writes the deals: services, bulk updates, bulk inserts, deletes."""

import random
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from podbor.crm.models import Deal
from podbor.routing.models import ManagerLoad
from podbor.routing.selectors import untouched_counts
from podbor.routing.services import deal_assign, deals_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def _truth() -> dict[int, int]:
    counts: dict[int, int] = {}
    for user_id in Deal.objects.filter(closed_at=None, touched_at=None, responsible__isnull=False).values_list(
            "responsible_id", flat=True):
        counts[user_id] = counts.get(user_id, 0) + 1
    return counts


def _counters() -> dict[int, int]:
    return {pk: n for pk, n in ManagerLoad.objects.values_list("user_id", "open_untouched") if n}


def test_counters_follow_every_kind_of_deal_write(pipeline):
    a, b, c = manager("a"), manager("b"), manager("c")
    stage = pipeline.first_open_stage()
    now = timezone.now()
    Deal.objects.bulk_create([Deal(title=f"d{i}", pipeline=pipeline, stage=stage, stage_entered_at=now,
                                   responsible=[a, b, None][i % 3]) for i in range(30)])
    assert _counters() == _truth() == {a.pk: 10, b.pk: 10}

    moved = list(Deal.objects.filter(responsible=a).values_list("pk", flat=True)[:4])
    Deal.objects.filter(pk__in=moved).update(responsible=c)  # reassigned in bulk
    assert _counters() == _truth()

    touched = list(Deal.objects.filter(responsible=b).values_list("pk", flat=True)[:3])
    Deal.objects.filter(pk__in=touched).update(touched_at=now)  # the manager acted
    closed = list(Deal.objects.filter(responsible=c).values_list("pk", flat=True)[:2])
    Deal.objects.filter(pk__in=closed).update(closed_at=now)
    assert _counters() == _truth()

    Deal.objects.filter(pk__in=closed).update(closed_at=None)  # reopened
    Deal.objects.filter(pk__in=touched[:1]).update(touched_at=None, responsible=a)  # reassigned: untouched again
    Deal.objects.filter(pk__in=list(Deal.objects.filter(responsible=b).values_list("pk", flat=True)[:2])).delete()
    Deal.objects.filter(responsible=None).update(title="renamed")  # nothing that counts changes
    assert _counters() == _truth()


def test_counters_follow_routing_and_answer_the_count_it_asks(pipeline):
    a, b = manager("a"), manager("b")
    rule(pipeline, [a, b])
    deal_assign(deal=new_deal(pipeline))
    with transaction.atomic():
        deals_assign(deals=[new_deal(pipeline) for _ in range(7)])
    assert _counters() == _truth()
    assert sum(_truth().values()) == 8
    assert untouched_counts([a.pk, b.pk]) == {a.pk: _truth().get(a.pk, 0), b.pk: _truth().get(b.pk, 0)}


def test_counters_survive_random_writes(pipeline):
    rng = random.Random(7)
    users = [manager(f"m{i}") for i in range(4)]
    stage = pipeline.first_open_stage()
    now = timezone.now()
    ids = [d.pk for d in Deal.objects.bulk_create([Deal(title="r", pipeline=pipeline, stage=stage,
                                                        stage_entered_at=now) for _ in range(40)])]
    for _ in range(60):
        some = rng.sample(ids, rng.randint(1, 6))
        change = rng.choice(["responsible", "touched", "closed", "reopen", "untouch"])
        values = {
            "responsible": {"responsible": rng.choice([*users, None])},
            "touched": {"touched_at": now},
            "closed": {"closed_at": now},
            "reopen": {"closed_at": None},
            "untouch": {"touched_at": None},
        }[change]
        Deal.objects.filter(pk__in=some).update(**values)
    assert _counters() == _truth()


needs_postgresql = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                                      reason="concurrent writers need PostgreSQL (CI runs the suite on it)")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_bulk_reassignments_keep_the_counters_exact(pipeline):
    users = [manager(f"c{i}") for i in range(6)]
    stage = pipeline.first_open_stage()
    now = timezone.now()
    ids = [d.pk for d in Deal.objects.bulk_create([Deal(title="c", pipeline=pipeline, stage=stage,
                                                        stage_entered_at=now) for _ in range(120)])]
    errors: list[BaseException] = []

    def writer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(25):
                with transaction.atomic():
                    some = rng.sample(ids, 10)
                    # Locked in id order first, as the services lock deals: an UPDATE alone locks rows in the order
                    # its plan meets them (a table scan: where they lie), and two such deadlock on the deals alone.
                    list(Deal.objects.select_for_update().filter(pk__in=some).order_by("pk").values_list("pk"))
                    Deal.objects.filter(pk__in=some).update(responsible=rng.choice(users))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _counters() == _truth()


def test_counters_written_around_the_triggers_are_derived_again(pipeline):
    a, b = manager("a"), manager("b")
    rule(pipeline, [a, b])
    deals_assign(deals=[new_deal(pipeline) for _ in range(5)])  # 3 for a, 2 for b
    ManagerLoad.objects.filter(user=a).update(open_untouched=40)  # as a restore without triggers could leave them
    ManagerLoad.objects.filter(user=b).delete()
    ManagerLoad.objects.create(user=manager("c"), open_untouched=7)

    out = StringIO()
    call_command("rebuild_manager_loads", stdout=out)

    assert "corrected: 3" in out.getvalue()
    assert _counters() == _truth() == {a.pk: 3, b.pk: 2}
    call_command("rebuild_manager_loads", stdout=out)
    assert out.getvalue().endswith("corrected: 0\n")
