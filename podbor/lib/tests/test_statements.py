"""Hot statements run prepared, several in one round trip on PostgreSQL: in order, each seeing the ones before."""

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction

from podbor.lib import (
    lookups,  # noqa: F401 - registers __any_of
    statements,
)


@pytest.fixture
def group():
    return Group.objects.create(name="Менеджеры")


def _sql(queryset):
    return queryset.query.sql_with_params()


@pytest.mark.django_db
def test_statements_answer_in_order_each_seeing_the_writes_before_it(group):
    table = connection.ops.quote_name(Group._meta.db_table)
    with transaction.atomic():
        renamed, read, none = statements.run(
            (f"UPDATE {table} SET name = %s WHERE id = %s", ["Водители", group.pk]),  # noqa: S608
            _sql(Group.objects.filter(pk__any_of=[group.pk, 0]).values_list("id", "name")),
            _sql(Group.objects.filter(pk__any_of=[]).values_list("id")),
        )

    assert renamed.rows == [] and renamed.columns == ()
    assert read.columns == ("id", "name")
    assert read.rows == [(group.pk, "Водители")]
    assert none.rows == []


@pytest.mark.django_db
def test_the_same_statement_runs_again_with_other_values(group):
    other = Group.objects.create(name="Склад")
    sql, params = _sql(Group.objects.filter(pk__any_of=[group.pk]).values_list("name"))

    with transaction.atomic():
        first, = statements.run((sql, params))
        second, = statements.run((sql, [[other.pk]] if connection.vendor == "postgresql" else [f"[{other.pk}]"]))

    assert (first.rows, second.rows) == ([(group.name,)], [("Склад",)])


@pytest.mark.django_db
def test_a_failing_statement_raises_a_database_error_and_the_transaction_rolls_back(group):
    with pytest.raises(DatabaseError), transaction.atomic():
        statements.run(_sql(Group.objects.filter(pk=group.pk).values_list("id")),
                       ("SELECT no_such_column FROM " + connection.ops.quote_name(Group._meta.db_table), []))  # noqa: S608

    assert Group.objects.filter(pk=group.pk).exists()  # the connection works again


@pytest.mark.django_db
def test_without_prepared_statements_they_go_bound_in_the_client(group):
    """DB_PREPARED_STATEMENTS=false (a pooler that cannot keep them): same answers."""
    connection.ensure_connection()
    raw = connection.connection
    kept = getattr(raw, "prepare_threshold", None)
    if connection.vendor == "postgresql":
        raw.prepare_threshold = None
    try:
        with transaction.atomic():
            first, second = statements.run(_sql(Group.objects.filter(pk=group.pk).values_list("name")),
                                           _sql(Group.objects.filter(pk__any_of=[group.pk]).values_list("id")))
    finally:
        if connection.vendor == "postgresql":
            raw.prepare_threshold = kept

    assert (first.rows, second.rows) == ([(group.name,)], [(group.pk,)])
