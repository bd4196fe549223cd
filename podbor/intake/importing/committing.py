"""The commit: every row becomes an InboundEvent of the pipeline's import source and goes through the intake
pipeline at once, in batches of rows per transaction (not one job per row), so thousands of rows take seconds.

The event's external id is the row's content hash: importing the same file again finds every event already there
and creates nothing.
"""

import json
import logging

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.crm.models import Pipeline
from podbor.intake.importing.planning import imported_ids, results_limit_to_visible
from podbor.intake.importing.report import ALREADY, CREATED, FAILED, JOINED, REJECTED, REPEAT, RowResult
from podbor.intake.importing.rows import ImportRow
from podbor.intake.models import InboundEvent, Source
from podbor.intake.services import inbound_events_process_batch, source_create

logger = logging.getLogger(__name__)
BATCH = 100  # rows per transaction: few commits, yet SQLite's one writer is held well under a second


def import_source_for(pipeline: Pipeline, *, create: bool) -> Source | None:
    """The pipeline's import source: one per pipeline, so that a re-import is recognised whoever uploads it."""
    existing = Source.objects.filter(kind=Source.Kind.IMPORT, pipeline=pipeline).order_by("id")
    source = existing.first()
    if source is not None or not create:
        return source
    try:
        with transaction.atomic():
            source, _token = source_create(name=_("Spreadsheet import"), kind=Source.Kind.IMPORT,
                                           pipeline=pipeline, slug=f"import-{pipeline.pk}")
    except IntegrityError:  # a concurrent import into the same pipeline created it first
        source = existing.first()
    return source


def rows_commit(*, rows: list[ImportRow], source: Source, actor: User | None, batch_label: str = ""
                ) -> list[RowResult]:
    results: dict[int, RowResult] = {}
    seen: dict[str, int] = {}
    todo: list[ImportRow] = []
    for row in rows:
        result = RowResult(row=row.number, outcome=REJECTED, name=row.label, warnings=list(row.warnings))
        results[row.number] = result
        if row.reject:
            result.reason = row.reject
        elif row.external_id in seen:
            result.outcome, result.reason = ALREADY, _("Same as row %(n)s.") % {"n": seen[row.external_id]}
        else:
            seen[row.external_id] = row.number
            todo.append(row)
    for start in range(0, len(todo), BATCH):
        _batch_commit(todo[start:start + BATCH], source, results, batch_label)
    ordered = [results[row.number] for row in rows]
    results_limit_to_visible(ordered, actor)
    return ordered


def _batch_commit(rows: list[ImportRow], source: Source, results: dict[int, RowResult], batch_label: str) -> None:
    with transaction.atomic():
        before = imported_ids(source, [r.external_id for r in rows])
        fresh = [r for r in rows if r.external_id not in before]
        InboundEvent.objects.bulk_create(
            [InboundEvent(source=source, external_id=r.external_id, content_type="application/json",
                          headers={"x-podbor-import": batch_label, "x-podbor-import-row": str(r.number)},
                          body=json.dumps(r.payload, ensure_ascii=False)) for r in fresh],
            # A concurrent import of the same rows: theirs stands, ours are repeats.
            ignore_conflicts=True,
        )
        ids = imported_ids(source, [r.external_id for r in fresh])
        fresh_ids = [ids[r.external_id] for r in fresh if r.external_id in ids]
        processed = {e.pk: e for e in inbound_events_process_batch(limit=len(fresh_ids) or 1, event_ids=fresh_ids)}
        for row in rows:
            result = results[row.number]
            if row.external_id in before:
                result.outcome, result.reason = ALREADY, _("This row was imported before.")
                result.event = before[row.external_id]
                continue
            result.event = ids.get(row.external_id)
            event = processed.get(result.event)
            if event is None or event.status == InboundEvent.Status.RECEIVED:
                # Kept 'received' on the event: the intake sweeper tries it again.
                logger.warning("import: intake event %s failed", result.event)
                result.outcome = FAILED
                result.reason = _("Processing failed; it will be tried again.")
                continue
            _result_from_event(result, event)


def _result_from_event(result: RowResult, event: InboundEvent) -> None:
    result.contact, result.deal = event.contact_id, event.deal_id
    result.matched_by = event.matched_by if event.matched_by in ("phone", "email") else ""
    result.reason = event.reason
    status = event.status
    if status == InboundEvent.Status.PROCESSED and event.contact_created:
        result.outcome = CREATED
    elif status == InboundEvent.Status.PROCESSED:
        result.outcome = JOINED
        how = _("by phone") if result.matched_by == "phone" else _("by email")
        result.reason = _("Matched %(how)s to an existing contact; a new deal in this pipeline.") % {"how": how}
    elif status == InboundEvent.Status.DUPLICATE:
        result.outcome = REPEAT
    elif status == InboundEvent.Status.REJECTED:
        result.outcome = REJECTED
    elif status == InboundEvent.Status.FAILED:
        result.outcome = FAILED
    else:
        result.outcome, result.reason = ALREADY, _("This row was imported before.")
