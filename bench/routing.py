"""Lead distribution: (a) the time of one assignment decision with 200 managers and 1,000,000 open deals; (b) fairness
of weighted shares and round robin over 10,000 leads and 10 present managers.

(a) The deals are bulk-inserted (COPY on PostgreSQL, executemany in one transaction on SQLite), spread evenly over the
200 managers, 0.5 % of them untouched (~25 a manager: a new lead is touched within minutes); with
``--keep-db`` a later run finds them loaded. Timed: ``deal_assign`` for a new deal, whole (choice, responsible,
timeline, Assignment row), and the decision alone (locks, rule, managers, counts, strategy, each manager's reason;
nothing encoded or written), for three rules over the 200 managers: round robin with a limit of 50 untouched leads,
least loaded without a limit, and weighted shares (no count); then ``deals_assign`` for batches of 100 new deals of new
contacts (intake's batches) under the same rules and under a rule of 10 managers, per deal. Reading the 200
managers' open-untouched counters (kept by triggers) is timed too. On PostgreSQL the deal table
is vacuumed after the load and after each case, as autovacuum keeps a table this old (else counts visit the heap for
every untouched lead).
(b) 10,000 new deals through ``deal_assign`` under a weighted rule (weights below) and a round-robin rule.
"""

import logging
import random
import statistics
import time
from collections import Counter

from django.db import connection, transaction
from django.utils import timezone

from bench.stats import percentile
from podbor.accounts.models import User
from podbor.crm.models import Contact, Deal, Pipeline, Stage
from podbor.routing.models import DistributionRule, RuleMember
from podbor.routing.selectors import untouched_counts
from podbor.routing.services import deal_assign, deals_assign
from podbor.routing.services.assignment import AssignmentBatch

MARK = "bench-routing"
BATCH = 50_000
ASSIGN_BATCH = 100
WEIGHTS = [20, 15, 15, 10, 10, 10, 5, 5, 5, 5]



def _managers(prefix: str, n: int) -> list[User]:
    existing = list(User.objects.filter(username__startswith=prefix).order_by("id"))
    if len(existing) >= n:
        return existing[:n]
    User.objects.bulk_create([User(username=f"{prefix}{i:04d}", first_name="Менеджер", last_name=f"№{i}",
                                   password="!", presence=User.Presence.AT_WORK) for i in range(len(existing), n)])
    return list(User.objects.filter(username__startswith=prefix).order_by("id"))[:n]


def _pipeline(name: str) -> Pipeline:
    pipeline = Pipeline.objects.filter(name=name).first()
    if pipeline is None:
        pipeline = Pipeline.objects.create(name=name)
        Stage.objects.create(pipeline=pipeline, name="Новый отклик", order=1)
        Stage.objects.create(pipeline=pipeline, name="Отказ", order=2, kind=Stage.Kind.LOST)
    return pipeline


DEAL_COLS = ["title", "pipeline", "stage", "responsible", "source", "custom", "stage_entered_at", "touched_at",
             "created_at", "updated_at"]


def _deal_rows(pipeline: Pipeline, stage: Stage, users: list[User], count: int, untouched: float, now: str):
    rng = random.Random(7)
    for i in range(count):
        yield ["Отклик", pipeline.pk, stage.pk, users[i % len(users)].pk, MARK, "{}", now,
               None if rng.random() < untouched else now, now, now]


def _load(pipeline: Pipeline, users: list[User], deals: int, untouched: float) -> None:
    stage = pipeline.first_open_stage()
    now = timezone.now().isoformat()
    columns = [Deal._meta.get_field(name).column for name in DEAL_COLS]
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    rows = _deal_rows(pipeline, stage, users, deals, untouched, now)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {Deal._meta.db_table} ({cols}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) == BATCH:
                    cursor.executemany(f"INSERT INTO {Deal._meta.db_table} ({cols}) VALUES ({marks})", batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {Deal._meta.db_table} ({cols}) VALUES ({marks})", batch)
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM too, as autovacuum long has for a backlog this old, so that counts over the partial
        # index are index-only scans rather than a heap visit per untouched lead.
        cursor.execute(f"VACUUM ANALYZE {Deal._meta.db_table}" if connection.vendor == "postgresql" else "ANALYZE")


def _rule(pipeline: Pipeline, users: list[User], name: str, strategy: str, *, weights: list[int] | None = None,
          **options) -> DistributionRule:
    DistributionRule.objects.filter(pipeline=pipeline).update(is_active=False)
    rule = DistributionRule.objects.create(name=name, pipeline=pipeline, strategy=strategy, priority=1, **options)
    RuleMember.objects.bulk_create([RuleMember(rule=rule, user=u, weight=weights[i] if weights else 0)
                                    for i, u in enumerate(users)])
    if connection.vendor == "postgresql":  # fresh statistics, as autoanalyze keeps them: else plans for 1 member
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {RuleMember._meta.db_table}, {User._meta.db_table}")
    return rule


def _new_deal_ids(pipeline: Pipeline, n: int) -> list[int]:
    stage, now = pipeline.first_open_stage(), timezone.now()
    created = Deal.objects.bulk_create([Deal(title="Новый отклик", pipeline=pipeline, stage=stage, source="bench-new",
                                             stage_entered_at=now) for _ in range(n)])
    if created and created[0].pk is not None:
        return [d.pk for d in created]
    return list(Deal.objects.filter(pipeline=pipeline, source="bench-new", responsible__isnull=True)
                .order_by("-id").values_list("pk", flat=True)[:n])[::-1]


def _batches(pipeline: Pipeline, n: int) -> list[float]:
    """``deals_assign`` for ``n`` batches of new deals of new contacts: ms per deal, each batch's time amortised."""
    per_deal = []
    stage, now = pipeline.first_open_stage(), timezone.now()
    for i in range(n + 1):
        contacts = Contact.objects.bulk_create([Contact(first_name="Кандидат", source=MARK)
                                                for _ in range(ASSIGN_BATCH)])
        ids = [d.pk for d in Deal.objects.bulk_create([
            Deal(title="Новый отклик", pipeline=pipeline, stage=stage, source="bench-new", contact=c,
                 stage_entered_at=now) for c in contacts])]
        with transaction.atomic():  # timed inside, as the decisions are
            deals = list(Deal.objects.filter(pk__in=ids).order_by("pk"))
            started = time.perf_counter()
            deals_assign(deals=deals)
            took = time.perf_counter() - started
        if i:  # the first warms the caches
            per_deal.append(took * 1000 / ASSIGN_BATCH)
    return per_deal


def _decisions(pipeline: Pipeline, n: int) -> tuple[list[float], list[float]]:
    """Each deal assigned as ``deal_assign`` assigns it, timing the decision (the reads, locks and the choice) and
    the whole (the decision and its writes). Timed inside a transaction that has begun (reading the deal), as the
    callers' are: beginning and committing it, and the event dispatch job that runs after commit, are not the
    decision. Committed, not rolled back: a rollback makes psycopg forget its prepared statements."""
    whole, choice = [], []
    ids = _new_deal_ids(pipeline, n + 5)
    for i, pk in enumerate(ids):
        with transaction.atomic():
            deal = Deal.objects.get(pk=pk)
            started = time.perf_counter()
            batch = AssignmentBatch([deal])
            batch.decide()
            decided = time.perf_counter()
            batch.write(actor=None)
            ended = time.perf_counter()
        if i >= 5:  # the first few warm the caches
            choice.append((decided - started) * 1000)
            whole.append((ended - started) * 1000)
    return whole, choice


def _line(label: str, values: list[float], *, target: float | None, on_median: bool = False) -> None:
    median, p99 = statistics.median(values), percentile(values, 0.99)
    measured, name = (median, "median") if on_median else (p99, "p99")
    verdict = (f"   target {name} ≤ {target:g} ms: {'met' if measured <= target else 'NOT met'}" if target is not None
               else "   (for reference)")
    print(f"{label:<44}{len(values):>6}{median:>9.2f}{p99:>9.2f}{max(values):>9.2f}{verdict}")


def _decision_bench(managers: int, deals: int, untouched: float, decisions: int, batches: int) -> None:
    pipeline = _pipeline("Бенчмарк распределения")
    users = _managers("bench-rt-", managers)
    loaded = Deal.objects.filter(source=MARK).count()
    if loaded >= deals:
        print(f"\nRouting: {loaded:,} open deals already loaded (--keep-db), load skipped")
    else:
        Deal.objects.filter(source=MARK).delete()
        started = time.monotonic()
        _load(pipeline, users, deals, untouched)
        took = time.monotonic() - started
        print(f"\nRouting: loaded {deals:,} open deals over {managers} managers in {took:.1f} s")
    _clean_up()  # what a run that stopped halfway left
    open_untouched = Deal.objects.filter(closed_at__isnull=True, touched_at__isnull=True).count()
    print(f"open deals {Deal.objects.filter(closed_at__isnull=True).count():,}, of them untouched "
          f"{open_untouched:,} (~{open_untouched // managers:,} a manager)")
    cases = [
        ("round robin, limit 50 untouched", dict(strategy="round_robin", max_open_untouched=50)),
        ("least loaded, no limit", dict(strategy="least_loaded")),
        # 100 of the managers at 1 % each, the others at 0 %.
        ("weighted shares, no limit", dict(strategy="weighted", weights=[1] * 100 + [0] * max(0, managers - 100))),
    ]
    print(f"\n{'decision (' + connection.vendor + f', {managers} managers)':<44}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}")
    batched = []
    for name, options in cases:
        strategy = options.pop("strategy")
        weights = options.pop("weights", None)
        _rule(pipeline, users, name, strategy, weights=weights, **options)
        whole, choice = _decisions(pipeline, decisions)
        # The target is the decision's (who takes the lead, and why each other manager does not); the whole
        # assignment adds writing it: the deal, the Assignment with every manager's reason, the timeline, events.
        _line(f"{name}: decision", choice, target=5)
        _line(f"{name}: deal_assign", whole, target=None)
        batched.append((f"{name}: per deal", _batches(pipeline, batches)))
        _clean_up()
    few = _rule(pipeline, users[:10], "least loaded, 10 managers", "least_loaded")
    batched.append((f"{few.name}: per deal", _batches(pipeline, batches)))
    _clean_up()
    # Per deal: each batch's time over its deals, the amortised cost the target is about.
    print(f"\n{f'deals_assign, batches of {ASSIGN_BATCH} new deals':<44}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}")
    for label, values in batched:
        _line(label, values, target=1, on_median=True)
    ids = [u.pk for u in users]
    read = []
    for _ in range(50):
        started = time.perf_counter()
        untouched_counts(ids)
        read.append((time.perf_counter() - started) * 1000)
    print(f"{'untouched counters of 200 managers':<44}{len(read):>6}{statistics.median(read):>9.2f}"
          f"{percentile(read, 0.99):>9.2f}{max(read):>9.2f}")


def _clean_up() -> None:
    """Remove what the decisions added, so that every case (and a kept database next time) starts from the same
    backlog of untouched leads. PostgreSQL: and VACUUM, as autovacuum keeps a table this old, so that every case
    starts from the same table whatever earlier runs deleted. INDEX_CLEANUP ON: left to itself VACUUM skips cleaning
    the indexes when few pages hold deleted leads, and those pages then stay "not all visible"."""
    Deal.objects.filter(source="bench-new").delete()
    Contact.objects.filter(source=MARK).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (INDEX_CLEANUP ON, ANALYZE) {Deal._meta.db_table}")


def _fairness(leads: int) -> None:
    pipeline = _pipeline("Бенчмарк справедливости")
    users = _managers("bench-fair-", len(WEIGHTS))
    print(f"\nFairness: {leads:,} leads over {len(users)} managers at work")
    for strategy, weights in (("weighted", WEIGHTS), ("round_robin", None)):
        rule = _rule(pipeline, users, f"fairness {strategy}", strategy, weights=weights)
        ids = _new_deal_ids(pipeline, leads)
        started = time.monotonic()
        for pk in ids:
            deal_assign(deal=Deal(pk=pk))
        took = time.monotonic() - started
        counts = Counter(Deal.objects.filter(pk__in=ids).values_list("responsible_id", flat=True))
        got = [counts[u.pk] for u in users]
        print(f"{strategy}: {leads:,} assignments in {took:.1f} s ({leads / took:,.0f}/s)")
        if weights:
            worst = max(abs(g / leads * 100 - w) for g, w in zip(got, weights, strict=True))
            print("  weight %  " + " ".join(f"{w:>6}" for w in weights))
            print("  share %   " + " ".join(f"{g / leads * 100:>6.2f}" for g in got))
            print(f"  worst deviation {worst:.2f} percentage points   target ±2: {'met' if worst <= 2 else 'NOT met'}")
        else:
            spread = max(got) - min(got)
            print("  leads     " + " ".join(f"{g:>6}" for g in got))
            print(f"  max − min = {spread}   target ≤ 1: {'met' if spread <= 1 else 'NOT met'}")
        Deal.objects.filter(pk__in=ids).update(closed_at=timezone.now())  # not load for the next strategy
        rule.delete()


def run(*, managers: int = 200, deals: int = 1_000_000, untouched: float = 0.005, decisions: int = 500,
        batches: int = 30, leads: int = 10_000) -> None:
    for name in ("huey", "django_tasks"):  # one line per inline job would drown the figures
        logging.getLogger(name).setLevel(logging.WARNING)
    _decision_bench(managers, deals, untouched, decisions, batches)
    _fairness(leads)
