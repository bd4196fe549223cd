"""Spreadsheet import over HTTP: one multipart POST reads, maps, and dry-runs or commits a CSV or XLSX file."""

import json

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from podbor.api.refs import Refs
from podbor.api.schemas import Id, error_responses
from podbor.intake.importing.columns import FIELDS, mapping_overrides_parse
from podbor.intake.importing.reading import MAX_BYTES
from podbor.intake.importing.services import import_run
from podbor.lib.errors import ValidationFailed

router = Router(tags=["imports"])


class ColumnOut(Schema):
    header: str
    field: str


class RowOut(Schema):
    row: int = Field(description="The row number as the spreadsheet shows it.")
    outcome: str = Field(description="created | joined | repeat | rejected | already_imported | failed")
    reason: str
    matched_by: str = Field(description="phone | email | empty")
    contact: int | None = Field(description="Only when you may see the contact.")
    deal: int | None = Field(description="Only when you may see the deal.")
    event: int | None = Field(description="The inbound event the row became (after a commit).")
    name: str
    warnings: list[str] = Field(description="Values left out of a row that was still imported.")


class ImportReportOut(Schema):
    dry_run: bool
    pipeline: int | None
    source: int | None = Field(description="The pipeline's import source; empty in a dry run before the first import.")
    columns: list[ColumnOut]
    total: int
    counts: dict[str, int]
    seconds: float
    rows: list[RowOut]


def _overrides(mapping: str) -> dict[str, str]:
    """A JSON object {"Header": "field"}, or lines "Header=field"."""
    mapping = (mapping or "").strip()
    if not mapping:
        return {}
    if mapping.startswith("{"):
        try:
            value = json.loads(mapping)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(_("The mapping is not valid JSON: %s") % exc, fields={"mapping": [str(exc)]}) \
                from None
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ValidationFailed(_("The mapping must be an object of header to field name."),
                                   fields={"mapping": [_("Expected {\"Header\": \"field\"}.")]})
        return {str(k): v for k, v in value.items()}
    return mapping_overrides_parse(mapping.splitlines())


_DESCRIPTION = (
    "Multipart: `file` (CSV in UTF-8 or cp1251 with `,` `;` or tab, or XLSX; at most 50 MB and 20,000 rows), "
    "`pipeline` (id), optional `mapping` (`{\"Header\": \"field\"}` to correct the guessed columns; fields: "
    + ", ".join(FIELDS) + "), optional `dry_run` (true: only say what would happen, write nothing).\n\n"
    "Every row becomes an intake event of the pipeline's import source, so re-importing a file creates nothing new. "
    "A dry run answers 200, a commit 201; both list every row with its outcome and reason."
)


@router.post("/imports", response={200: ImportReportOut, 201: ImportReportOut, **error_responses(400, 403)},
             summary="Import contacts and deals from a CSV or XLSX file", description=_DESCRIPTION)
def imports_create(
    request: HttpRequest,
    file: File[UploadedFile],
    pipeline: Form[Id],
    dry_run: Form[bool] = False,
    mapping: Form[str] = "",
):
    if file.size and file.size > MAX_BYTES:
        message = _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": MAX_BYTES >> 20}
        raise ValidationFailed(message, fields={"file": [message]})
    refs = Refs(request.auth)
    target = refs.pipeline(pipeline)
    refs.check()
    overrides = _overrides(mapping)
    report = import_run(content=file.read(), filename=file.name or "", pipeline=target, actor=request.auth,
                        overrides=overrides, dry_run=dry_run)
    return Status(200 if dry_run else 201, report.as_dict())
