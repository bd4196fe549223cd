import time

from django.core.management.base import BaseCommand, CommandError

from podbor.crm.demo.seed import demo_seed
from podbor.crm.models import Pipeline


class Command(BaseCommand):
    help = "Fill an empty database with demo users, pipelines, clients, candidates and their history."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any pipeline exists.")
        parser.add_argument("--seed", type=int, default=2024, help="The same seed gives the same demo.")
        parser.add_argument("--size", type=int, default=500, help="About how many contacts and deals to make.")

    def handle(self, *args, if_empty: bool, seed: int, size: int, **options):
        if Pipeline.objects.exists():
            if if_empty:
                self.stdout.write("Demo data: the database already has pipelines, nothing to do.")
                return
            raise CommandError("The database already has pipelines: seed_demo fills an empty database only.")
        if size < 10:
            raise CommandError("--size must be at least 10.")
        started = time.monotonic()
        summary = demo_seed(seed=seed, size=size)
        counts = ", ".join(f"{count} {what}" for what, count in summary.counts.items())
        self.stdout.write(f"Demo data ready in {time.monotonic() - started:.1f} s: {counts}.")
        self.stdout.write("")
        self.stdout.write("Demo logins (demo only: change or delete these users before real use):")
        rows = [("login", "password", "role", "team")] + [
            (login.username, login.password, login.role, login.team) for login in summary.logins
        ]
        widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
