"""Locks on things that have no row yet (a phone number, an email), held until the transaction ends."""

import hashlib

from django.db import connection


def _key(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def lock_names(names: list[str]) -> None:
    """Serialise transactions that touch the same names. Call inside transaction.atomic().

    PostgreSQL: transaction-level advisory locks, taken in sorted order so two writers cannot deadlock.
    SQLite: nothing to do, because Podbor opens its transactions with BEGIN IMMEDIATE and SQLite admits one writer.
    """
    if connection.vendor != "postgresql" or not names:
        return
    keys = sorted({_key(name) for name in names})
    with connection.cursor() as cursor:
        # One round trip for any number of names; OFFSET 0 keeps the sorted subquery from being flattened, so the
        # locks are taken in key order.
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY 1 OFFSET 0) s",
            [keys],
        )
