"""Spreadsheet import, as every interface calls it: the UI in steps (upload, mapping and dry run, commit), the API
and the management command in one go (``import_run``)."""

import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Pipeline
from podbor.intake.importing.columns import header_score, mapping_apply, mapping_check, mapping_guess
from podbor.intake.importing.committing import import_source_for, rows_commit
from podbor.intake.importing.planning import rows_plan
from podbor.intake.importing.reading import MAX_ROWS, ImportFileError, Table, table_read
from podbor.intake.importing.report import ImportReport
from podbor.intake.importing.rows import row_read
from podbor.intake.models import ImportBatch
from podbor.lib.errors import PermissionRefused, ValidationFailed


def import_permitted(user: User | None) -> bool:
    """Admins and team leads import; a script without a user (the command) is an operator's."""
    return user is None or user.is_admin or user.is_team_lead


def _require(user: User | None) -> None:
    if not import_permitted(user):
        raise PermissionRefused(_("Only a team lead or an administrator may import contacts."))


def _check_pipeline(pipeline: Pipeline) -> None:
    if pipeline.is_archived:
        raise ValidationFailed(_("This pipeline is archived."), fields={"pipeline": [_("This pipeline is archived.")]})


def import_table_read(*, content: bytes, max_rows: int | None = MAX_ROWS) -> Table:
    try:
        return table_read(content, max_rows=max_rows, header_score=header_score)
    except ImportFileError as exc:
        raise ValidationFailed(str(exc), fields={"file": [str(exc)]}) from None


def _rows(table: Table, mapping: list[str]):
    return [row_read(number, table.headers, mapping, cells) for number, cells in table.rows]


def import_dry_run(*, table: Table, mapping: list[str], pipeline: Pipeline, actor: User | None) -> ImportReport:
    """What committing would do, row by row. Writes nothing."""
    mapping_check(table.headers, mapping)
    started = time.perf_counter()
    rows = _rows(table, mapping)
    source = import_source_for(pipeline, create=False)
    report = ImportReport(dry_run=True, headers=table.headers, mapping=mapping, pipeline=pipeline.pk,
                          source=source.pk if source else None)
    report.rows = rows_plan(rows=rows, pipeline=pipeline, source=source, actor=actor)
    report.seconds = time.perf_counter() - started
    return report


def import_commit(*, table: Table, mapping: list[str], pipeline: Pipeline, actor: User | None,
                  batch: ImportBatch) -> ImportReport:
    mapping_check(table.headers, mapping)
    _check_pipeline(pipeline)
    started = time.perf_counter()
    rows = _rows(table, mapping)
    source = import_source_for(pipeline, create=True)
    report = ImportReport(dry_run=False, headers=table.headers, mapping=mapping, pipeline=pipeline.pk,
                          source=source.pk)
    report.rows = rows_commit(rows=rows, source=source, actor=actor, batch_label=str(batch.uuid))
    report.seconds = time.perf_counter() - started
    batch.source = source
    batch.report = report.as_dict(with_names=False)
    batch.content = b""  # its rows now live on as inbound events
    batch.save(update_fields=["source", "report", "content", "mapping"])
    return report


# --- the UI's steps ------------------------------------------------------------------------------------------------

def import_batch_upload(*, actor: User, pipeline: Pipeline, filename: str, content: bytes) -> ImportBatch:
    """Keep the file for the mapping and dry-run step; refuses a file that cannot be read."""
    _require(actor)
    _check_pipeline(pipeline)
    table = import_table_read(content=content)
    return ImportBatch.objects.create(
        created_by=actor, pipeline=pipeline, filename=(filename or "")[-255:], size=len(content), content=content,
        headers=table.headers, mapping=mapping_guess(table.headers),
    )


def import_batch_table(batch: ImportBatch) -> Table:
    return import_table_read(content=bytes(batch.content))


def import_batch_mapping_set(*, batch: ImportBatch, mapping: list[str]) -> ImportBatch:
    mapping_check(batch.headers, mapping)
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    return batch


def import_batch_commit(*, batch: ImportBatch, actor: User) -> ImportReport:
    """Commit an uploaded file once: a second click finds it claimed and is refused."""
    _require(actor)
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.UPLOADED).update(
        status=ImportBatch.Status.COMMITTED, committed_at=timezone.now()
    )
    if not claimed:
        raise ValidationFailed(_("This file has already been imported."), fields={"file": [_("Already imported.")]})
    batch.refresh_from_db()
    try:
        return import_commit(table=import_batch_table(batch), mapping=batch.mapping, pipeline=batch.pipeline,
                             actor=actor, batch=batch)
    except Exception:
        # Rows already through are recognised as such on the next try.
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.UPLOADED, committed_at=None)
        raise


# --- the API and the command ---------------------------------------------------------------------------------------

def import_run(
    *, content: bytes, filename: str, pipeline: Pipeline, actor: User | None, overrides: dict[str, str] | None = None,
    dry_run: bool = False, max_rows: int | None = MAX_ROWS,
) -> ImportReport:
    """Read, map (guessed, then ``overrides`` {header: field}), and dry-run or commit in one call."""
    _require(actor)
    _check_pipeline(pipeline)
    table = import_table_read(content=content, max_rows=max_rows)
    mapping = mapping_apply(table.headers, mapping_guess(table.headers), overrides or {})
    if dry_run:
        return import_dry_run(table=table, mapping=mapping, pipeline=pipeline, actor=actor)
    mapping_check(table.headers, mapping)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            created_by=actor, pipeline=pipeline, filename=(filename or "")[-255:], size=len(content),
            headers=table.headers, mapping=mapping, status=ImportBatch.Status.COMMITTED, committed_at=timezone.now(),
        )
    return import_commit(table=table, mapping=mapping, pipeline=pipeline, actor=actor, batch=batch)
