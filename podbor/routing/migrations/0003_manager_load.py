"""Managers' open untouched leads as a counter kept by triggers on crm_deal (see routing.models.ManagerLoad).

A deal counts for its responsible while it is open and untouched: responsible_id set, closed_at and touched_at
null. PostgreSQL: statement-level triggers with transition tables add up each statement's changes per manager and
apply them in user order (concurrent statements lock counter rows in the same order: no deadlock between them).
SQLite (one writer at a time): row-level triggers.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


UNTOUCHED = "responsible_id IS NOT NULL AND closed_at IS NULL AND touched_at IS NULL"

POSTGRESQL = [f"""
CREATE FUNCTION routing_manager_load_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO routing_managerload AS l (user_id, open_untouched)
        SELECT responsible_id, COUNT(*) FROM new_rows WHERE {UNTOUCHED} GROUP BY responsible_id ORDER BY responsible_id
        ON CONFLICT (user_id) DO UPDATE SET open_untouched = l.open_untouched + EXCLUDED.open_untouched;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO routing_managerload AS l (user_id, open_untouched)
        SELECT responsible_id, -COUNT(*) FROM old_rows WHERE {UNTOUCHED} GROUP BY responsible_id ORDER BY responsible_id
        ON CONFLICT (user_id) DO UPDATE SET open_untouched = l.open_untouched + EXCLUDED.open_untouched;
    ELSE
        INSERT INTO routing_managerload AS l (user_id, open_untouched)
        SELECT user_id, SUM(n) FROM (
            SELECT responsible_id AS user_id, -1 AS n FROM old_rows WHERE {UNTOUCHED}
            UNION ALL
            SELECT responsible_id, 1 FROM new_rows WHERE {UNTOUCHED}
        ) AS changes GROUP BY user_id HAVING SUM(n) <> 0 ORDER BY user_id
        ON CONFLICT (user_id) DO UPDATE SET open_untouched = l.open_untouched + EXCLUDED.open_untouched;
    END IF;
    RETURN NULL;
END $$""",
    "CREATE TRIGGER routing_manager_load_insert AFTER INSERT ON crm_deal REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION routing_manager_load_apply()",
    "CREATE TRIGGER routing_manager_load_update AFTER UPDATE ON crm_deal REFERENCING OLD TABLE AS old_rows "
    "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION routing_manager_load_apply()",
    "CREATE TRIGGER routing_manager_load_delete AFTER DELETE ON crm_deal REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION routing_manager_load_apply()",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS routing_manager_load_insert ON crm_deal",
    "DROP TRIGGER IF EXISTS routing_manager_load_update ON crm_deal",
    "DROP TRIGGER IF EXISTS routing_manager_load_delete ON crm_deal",
    "DROP FUNCTION IF EXISTS routing_manager_load_apply()",
]


def _sqlite_untouched(row: str) -> str:
    return f"{row}.responsible_id IS NOT NULL AND {row}.closed_at IS NULL AND {row}.touched_at IS NULL"


_ADD = ("INSERT INTO routing_managerload (user_id, open_untouched) VALUES (NEW.responsible_id, 1) "
        "ON CONFLICT (user_id) DO UPDATE SET open_untouched = open_untouched + 1;")
_TAKE = "UPDATE routing_managerload SET open_untouched = open_untouched - 1 WHERE user_id = OLD.responsible_id;"
_COLUMNS = "UPDATE OF responsible_id, closed_at, touched_at"
SQLITE = [
    f"CREATE TRIGGER routing_manager_load_insert AFTER INSERT ON crm_deal WHEN {_sqlite_untouched('NEW')} "
    f"BEGIN {_ADD} END",
    f"CREATE TRIGGER routing_manager_load_delete AFTER DELETE ON crm_deal WHEN {_sqlite_untouched('OLD')} "
    f"BEGIN {_TAKE} END",
    f"CREATE TRIGGER routing_manager_load_update_old AFTER {_COLUMNS} ON crm_deal WHEN {_sqlite_untouched('OLD')} "
    f"BEGIN {_TAKE} END",
    f"CREATE TRIGGER routing_manager_load_update_new AFTER {_COLUMNS} ON crm_deal WHEN {_sqlite_untouched('NEW')} "
    f"BEGIN {_ADD} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS routing_manager_load_{name}"
               for name in ("insert", "delete", "update_old", "update_new")]

BACKFILL = (f"INSERT INTO routing_managerload (user_id, open_untouched) SELECT responsible_id, COUNT(*) FROM crm_deal "
            f"WHERE {UNTOUCHED} GROUP BY responsible_id")


def install(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    with schema_editor.connection.cursor() as cursor:
        # The counts and the triggers in one transaction: no deal write falls between them.
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE crm_deal IN SHARE ROW EXCLUSIVE MODE")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("DELETE FROM routing_managerload")
        cursor.execute(BACKFILL)


def uninstall(apps, schema_editor):
    statements = POSTGRESQL_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_presence_skills'),
        ('routing', '0002_calllist_chosen_filter'),
        ('crm', '0003_presence_skills'),
    ]

    operations = [
        migrations.CreateModel(
            name='ManagerLoad',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('open_untouched', models.IntegerField(default=0)),
            ],
            options={
                'verbose_name': 'manager load',
                'verbose_name_plural': 'manager loads',
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
