"""`python -m bench [board|intake|dedup_lookup …] [--postgres URL] [options]`: run benchmarks and print their figures.

With no name, every benchmark runs (intake with a smaller N, so that `make bench` stays within minutes).
SQLite (default): a throwaway file under /tmp. PostgreSQL: a throwaway ``test_<name>`` database is created next to
the one the URL names and dropped at the end; the user needs CREATEDB, as for the test suite. ``--keep-db`` keeps
the database (SQLite: /tmp/podbor-bench-kept/bench.sqlite3) so that a later run reuses what was loaded.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

BENCHMARKS = ("board", "intake", "dedup_lookup", "intake_import", "routing", "calllist", "automation")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="*", metavar="NAME", help=f"any of {', '.join(BENCHMARKS)}; default all")
    parser.add_argument("--postgres", metavar="URL", help="postgres://user:password@host:port/name")
    parser.add_argument("--deals", type=int, default=20_000, help="deals on the board (default 20,000)")
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per measurement (default 40)")
    parser.add_argument("-n", type=int, default=None,
                        help="intake: responses to send (default 10,000; 3,000 when every benchmark runs)")
    parser.add_argument("--clients", type=int, default=16, help="intake: concurrent HTTP clients (default 16)")
    parser.add_argument("--web-workers", type=int, default=2, help="intake: gunicorn worker processes (default 2)")
    parser.add_argument("--web-threads", type=int, default=8,
                        help="intake: threads per gunicorn worker (gthread, keep-alive; default 8; 1 = sync workers)")
    parser.add_argument("--rate", type=float, default=None,
                        help="intake: only an open load of this many responses/s (latency at a given throughput); "
                             "by default two runs: as fast as the clients go (the most the service sustains), then "
                             "an open load at the target, 300/s")
    parser.add_argument("--queue", choices=("sqlite", "postgres"), default="sqlite",
                        help="intake: the job queue: SqliteHuey in its own file (default) or, with --postgres, "
                             "PostgresHuey on the benchmark's database (HUEY_DATABASE_URL)")
    parser.add_argument("--huey-workers", type=int, default=2, help="intake: threads per Huey process (default 2)")
    parser.add_argument("--huey-processes", type=int, default=1, help="intake: Huey processes (default 1)")
    parser.add_argument("--contacts", type=int, default=1_000_000,
                        help="dedup_lookup: contacts in the database (default 1,000,000)")
    parser.add_argument("--lookups", type=int, default=10_000, help="dedup_lookup: timed lookups (default 10,000)")
    parser.add_argument("--routing-deals", type=int, default=1_000_000,
                        help="routing: open deals in the database (default 1,000,000)")
    parser.add_argument("--calllist-leads", type=int, default=100_000,
                        help="calllist: open leads in the database (default 100,000)")
    parser.add_argument("--import-rows", type=int, default=None,
                        help="intake_import: spreadsheet rows (default 5,000; 1,000 when every benchmark runs)")
    parser.add_argument("--automation-instances", type=int, default=2_000,
                        help="automation: instances started and completed (default 2,000)")
    parser.add_argument("--automation-waiting", type=int, default=100_000,
                        help="automation: waiting instances with timers (default 100,000)")
    parser.add_argument("--automation-timers", type=int, default=1_000,
                        help="automation: timers fired by a real worker under load (default 1,000)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database for the next run, and reuse it")
    args = parser.parse_args(argv)
    unknown = set(args.benchmarks) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    chosen = args.benchmarks or list(BENCHMARKS)
    if args.n is None:
        args.n = 10_000 if args.benchmarks else 3_000
    if args.import_rows is None:
        args.import_rows = 5_000 if args.benchmarks else 1_000

    sqlite_file = None
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
    elif args.keep_db:
        sqlite_file = Path(tempfile.gettempdir()) / "podbor-bench-kept" / "bench.sqlite3"
        sqlite_file.parent.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    else:
        sqlite_file = Path(tempfile.mkdtemp(prefix="podbor-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"
    # Jobs run inline, and nothing lands in the developer's var/ queue.
    os.environ["HUEY_IMMEDIATE"] = "true"
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podbor.settings")

    # Static files are not what is measured: WhiteNoise need not warn that collectstatic has not run.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    import logging

    # A line per job would bury the figures.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    from bench import automation, board, calllist, dedup_lookup, intake, intake_import, routing

    started = time.monotonic()
    if args.postgres:
        # A throwaway database, never the one the URL names.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep_db)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']} (migrated in "
          f"{time.monotonic() - started:.1f} s)")
    try:
        if "board" in chosen:
            board.run(deals=args.deals, repeat=args.repeat)
        if "intake" in chosen:
            for rate in [args.rate] if args.rate else [None, intake.TARGET_RATE]:
                intake.run(n=args.n, clients=args.clients, web_workers=args.web_workers,
                           web_threads=args.web_threads, huey_workers=args.huey_workers,
                           huey_processes=args.huey_processes, queue=args.queue, rate=rate)
        if "dedup_lookup" in chosen:
            dedup_lookup.run(contacts=args.contacts, lookups=args.lookups)
        if "intake_import" in chosen:
            intake_import.run(rows=args.import_rows)
        if "routing" in chosen:
            routing.run(deals=args.routing_deals)
        if "calllist" in chosen:
            calllist.run(leads=args.calllist_leads)
        if "automation" in chosen:
            automation.run(instances=args.automation_instances, waiting=args.automation_waiting,
                           timers=args.automation_timers)
    finally:
        if args.keep_db:
            print(f"Database kept: {connection.settings_dict['NAME']}")
        elif args.postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        elif sqlite_file is not None:
            connection.close()
            for path in sqlite_file.parent.glob("bench.sqlite3*"):
                path.unlink()
            sqlite_file.parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
