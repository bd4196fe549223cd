from django.core.management.base import BaseCommand

from podbor.crm.models import Pipeline
from podbor.intake.models import Source
from podbor.intake.services import source_create


class Command(BaseCommand):
    help = "Demo intake sources for the high-volume pipeline (only when there are none); prints their URLs."

    def handle(self, *args, **options):
        if Source.objects.exists():
            self.stdout.write("Demo intake: sources already exist, nothing to do.")
            return
        pipeline = Pipeline.objects.filter(name="Массовый подбор").first()
        if pipeline is None:
            self.stdout.write("Demo intake: no «Массовый подбор» pipeline, nothing to do.")
            return
        self.stdout.write("Demo intake sources (tokens shown once; new ones at /intake/sources/):")
        for name, kind in (("Сайт", "site"), ("hh.ru", "hh"), ("Podbor JSON", "generic")):
            source, token = source_create(name=name, kind=kind, pipeline=pipeline)
            self.stdout.write(f"  {name:<12} POST /api/v1/intake/{source.slug}?token={token}")
