"""The lookup intake runs for every response (by normalised phone, then by email) among many contacts.

The contacts are bulk-inserted (COPY on PostgreSQL, executemany in one transaction on SQLite) with one phone and one
email each; with ``--keep-db`` a later run finds them loaded and skips the load. Timed: the matching query of
``podbor.intake.services`` for random existing and missing keys, by phone and by email.
"""

import random
import statistics
import time

from django.db import connection, transaction
from django.utils import timezone

from bench.stats import percentile
from podbor.crm.models import Contact, ContactEmail, ContactPhone
from podbor.intake.services import _contact_match  # the very query intake runs

MARK = "bench-dedup"
BATCH = 50_000


def _e164(i: int) -> str:
    return f"+79{(i * 7919) % 10**9:09d}"  # 7919 is prime to 10**9: every i < 10**9 gets its own number


def _email(i: int) -> str:
    return f"c{i}@bench.example.org"


def _rows(start_id: int, start: int, count: int, now: str):
    """(contact, phone, email) column tuples in the tables' order, for contacts start…start+count."""
    contact_cols = [f.column for f in Contact._meta.concrete_fields]
    for i in range(start, start + count):
        pk = start_id + i
        values = {"id": pk, "last_name": "Тестов", "first_name": f"Имя{i % 977}", "middle_name": "",
                  "name_folded": f"тестов имя{i % 977}", "name_key": f"testov imia{i % 977}", "city": "Москва",
                  "address": "", "gender": "", "birth_date": None, "source": MARK, "consent_at": None,
                  "company_id": None, "team_id": None, "custom": "{}", "merged_into_id": None,
                  "created_at": now, "updated_at": now}
        e164 = _e164(i)
        yield ([values[c] for c in contact_cols],
               [pk, f"8 ({e164[2:5]}) {e164[5:8]}-{e164[8:10]}-{e164[10:]}", e164, True, 0],
               [pk, _email(i).upper(), _email(i), 0])


def _columns(model, names: list[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


PHONE_COLS = ["contact", "raw", "e164", "is_valid", "order"]
EMAIL_COLS = ["contact", "raw", "normalized", "order"]


def _load_postgres(start_id: int, contacts: int, now: str) -> None:
    def copy(cursor, model, columns, rows):
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        with cursor.copy(f"COPY {model._meta.db_table} ({cols}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)

    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3: COPY through the driver's cursor
        for start in range(0, contacts, BATCH):
            rows = list(_rows(start_id, start, min(BATCH, contacts - start), now))
            copy(raw, Contact, [f.column for f in Contact._meta.concrete_fields], (r[0] for r in rows))
            copy(raw, ContactPhone, _columns(ContactPhone, PHONE_COLS), (r[1] for r in rows))
            copy(raw, ContactEmail, _columns(ContactEmail, EMAIL_COLS), (r[2] for r in rows))
        table = Contact._meta.db_table
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        for model in (Contact, ContactPhone, ContactEmail):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def _load_sqlite(start_id: int, contacts: int, now: str) -> None:
    def insert(cursor, model, columns, rows):
        cols = ", ".join(connection.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {model._meta.db_table} ({cols}) VALUES ({marks})", rows)

    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, contacts, BATCH):
            rows = list(_rows(start_id, start, min(BATCH, contacts - start), now))
            insert(cursor, Contact, [f.column for f in Contact._meta.concrete_fields], [r[0] for r in rows])
            insert(cursor, ContactPhone, _columns(ContactPhone, PHONE_COLS), [r[1] for r in rows])
            insert(cursor, ContactEmail, _columns(ContactEmail, EMAIL_COLS), [r[2] for r in rows])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")



def run(*, contacts: int, lookups: int) -> None:
    loaded = Contact.objects.filter(source=MARK).count()
    if loaded >= contacts:
        print(f"\nDedup lookup: {loaded:,} contacts already loaded (--keep-db), load skipped")
        contacts = loaded
    else:
        if loaded:
            Contact.objects.filter(source=MARK).delete()
        start_id = (Contact.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        now = timezone.now().isoformat()
        started = time.monotonic()
        (_load_postgres if connection.vendor == "postgresql" else _load_sqlite)(start_id, contacts, now)
        took = time.monotonic() - started
        print(f"\nDedup lookup: loaded {contacts:,} contacts with a phone and an email each in {took:.1f} s "
              f"({contacts / took:,.0f} contacts/s)")
    rng = random.Random(5)
    keys = []
    for _ in range(lookups):
        existing = rng.random() < 0.5
        i = rng.randrange(contacts) if existing else contacts + rng.randrange(10**6)
        keys.append((existing, i))
    samples: dict[str, list[float]] = {}
    wrong = 0
    with transaction.atomic():  # intake runs the lookup inside its transaction, too
        _contact_match([_e164(0)], [_email(0)])  # warm the connection
        for by in ("phone", "email"):
            for existing, i in keys:
                args = ([_e164(i)], []) if by == "phone" else ([], [_email(i)])
                started = time.perf_counter()
                contact, matched_by = _contact_match(*args)
                samples.setdefault(f"by {by}, {'existing' if existing else 'missing'} key", []).append(
                    (time.perf_counter() - started) * 1000
                )
                wrong += (contact is not None) != existing
    print(f"\n{'lookup (' + connection.vendor + ')':<34}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for name, values in samples.items():
        print(f"{name:<34}{len(values):>6}{statistics.median(values):>10.2f}{percentile(values, 0.99):>10.2f}"
              f"{max(values):>10.2f}")
    every = [v for values in samples.values() for v in values]
    print(f"{'all':<34}{len(every):>6}{statistics.median(every):>10.2f}{percentile(every, 0.99):>10.2f}"
          f"{max(every):>10.2f}   target p99 ≤ 10 ms: {'met' if percentile(every, 0.99) <= 10 else 'NOT met'}")
    if wrong:
        print(f"problem: {wrong} lookups found the wrong answer")
    plan = (ContactPhone.objects.filter(e164__in=[_e164(1)], contact__merged_into__isnull=True)
            .select_related("contact").order_by("contact_id")[:1].explain())
    print("query plan, by phone:\n" + "\n".join("    " + line for line in plan.splitlines()))
