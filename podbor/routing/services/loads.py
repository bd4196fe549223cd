"""The managers' open-untouched counters (``ManagerLoad``) are kept by database triggers on the deals table; they
are derived data. ``manager_loads_rebuild`` derives them again from the deals: after writes that bypassed the
triggers (a restore with triggers disabled, ``session_replication_role = replica``), or to check them."""

from django.db import connection, transaction
from django.db.models import Count

from podbor.crm.models import Deal
from podbor.routing.models import ManagerLoad


@transaction.atomic
def manager_loads_rebuild() -> int:
    """Set every manager's counter to the count of their open untouched deals; answers how many were wrong.
    Deal writes wait meanwhile (PostgreSQL), so that none falls between the count and the correction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {connection.ops.quote_name(Deal._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE")
    truth = dict(Deal.objects.filter(responsible__isnull=False, closed_at__isnull=True, touched_at__isnull=True)
                 .order_by().values_list("responsible_id").annotate(n=Count("id")))
    kept = dict(ManagerLoad.objects.values_list("user_id", "open_untouched"))
    wrong = {pk: truth.get(pk, 0) for pk in truth.keys() | kept.keys() if truth.get(pk, 0) != kept.get(pk, 0)}
    ManagerLoad.objects.filter(user_id__in=[pk for pk in wrong if pk in kept]).delete()
    ManagerLoad.objects.bulk_create([ManagerLoad(user_id=pk, open_untouched=n) for pk, n in wrong.items()])
    return len(wrong)
