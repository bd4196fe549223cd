"""`python -m bench [--postgres URL] [--deals N] [--repeat R]`: run every benchmark and print its figures.

SQLite (default): a throwaway file under /tmp. PostgreSQL: a throwaway ``test_<name>`` database is created next to
the one the URL names and dropped at the end; the user needs CREATEDB, as for the test suite.
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="postgres://user:password@host:port/name")
    parser.add_argument("--deals", type=int, default=20_000, help="deals on the board (default 20,000)")
    parser.add_argument("--repeat", type=int, default=40, help="timed requests per measurement (default 40)")
    args = parser.parse_args(argv)

    sqlite_file = None
    if args.postgres:
        os.environ["DATABASE_URL"] = args.postgres
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
    from django.core.management import call_command
    from django.db import connection

    from bench import board

    started = time.monotonic()
    if args.postgres:
        # A throwaway database, never the one the URL names.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    else:
        call_command("migrate", verbosity=0, interactive=False)
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']} (migrated in "
          f"{time.monotonic() - started:.1f} s)")
    try:
        board.run(deals=args.deals, repeat=args.repeat)
    finally:
        if args.postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        elif sqlite_file is not None:
            connection.close()
            for path in sqlite_file.parent.glob("bench.sqlite3*"):
                path.unlink()
            sqlite_file.parent.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
