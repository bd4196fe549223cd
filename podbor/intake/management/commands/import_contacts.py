"""manage.py import_contacts FILE --pipeline ID [--dry-run] [--map "Header=field" ...]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from podbor.crm.models import Pipeline
from podbor.intake.importing.columns import FIELDS, mapping_overrides_parse
from podbor.intake.importing.reading import MAX_BYTES
from podbor.intake.importing.report import OUTCOMES
from podbor.intake.importing.services import import_run
from podbor.lib.errors import ServiceError


class Command(BaseCommand):
    help = "Import contacts and their deals from a CSV or XLSX file through the intake pipeline."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv (UTF-8 or cp1251; , ; or tab) or .xlsx file.")
        parser.add_argument("--pipeline", type=int, required=True, help="The id of the pipeline the deals go to.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would happen; write nothing.")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=FIELD",
                            help="Correct the guessed column of a header; fields: " + ", ".join(FIELDS) + ".")
        parser.add_argument("--rows", action="store_true", help="Print every row, not only those not imported.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"The file is larger than {MAX_BYTES >> 20} MB. Split it into smaller files.")
        pipeline = Pipeline.objects.filter(pk=options["pipeline"]).first()
        if pipeline is None:
            raise CommandError(f"No pipeline with id {options['pipeline']}.")
        try:
            overrides = mapping_overrides_parse(options["map"])
            # An operator's command: no row limit, unlike a web request.
            report = import_run(content=path.read_bytes(), filename=path.name, pipeline=pipeline, actor=None,
                                overrides=overrides, dry_run=options["dry_run"], max_rows=None)
        except ServiceError as exc:
            details = "; ".join(f"{field}: {' '.join(map(str, messages))}" for field, messages in exc.fields.items())
            raise CommandError(f"{exc.detail} {details}".strip()) from None
        out = self.stdout
        out.write("Columns: " + ", ".join(f"{h} → {f}" for h, f in zip(report.headers, report.mapping, strict=True)))
        for result in report.rows:
            if options["rows"] or result.outcome in ("rejected", "failed"):
                line = f"row {result.row}: {result.outcome}"
                if result.reason:
                    line += f" — {result.reason}"
                out.write(line)
        counts = report.counts
        title = "Dry run, nothing written" if report.dry_run else "Imported"
        out.write(f"{title}: {len(report.rows)} rows in {report.seconds:.2f} s "
                  f"({report.rows_per_second:.0f} rows/s)")
        for outcome, label in OUTCOMES.items():
            out.write(f"  {label}: {counts[outcome]}")
