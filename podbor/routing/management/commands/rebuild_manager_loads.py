from django.core.management.base import BaseCommand

from podbor.routing.services.loads import manager_loads_rebuild


class Command(BaseCommand):
    help = ("Derive the managers' open-untouched counters (kept by database triggers) from the deals again, after "
            "writes that bypassed the triggers; prints how many were wrong.")

    def handle(self, *args, **options):
        wrong = manager_loads_rebuild()
        self.stdout.write(f"Manager load counters corrected: {wrong}")
