"""Spreadsheet import in the browser: upload with a pipeline → columns and a dry run → commit → the result."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from podbor.crm.models import Pipeline
from podbor.intake.importing.columns import FIELDS
from podbor.intake.importing.reading import MAX_BYTES
from podbor.intake.importing.report import OUTCOMES
from podbor.intake.importing.services import (
    import_batch_commit,
    import_batch_mapping_set,
    import_batch_table,
    import_batch_upload,
    import_dry_run,
    import_permitted,
)
from podbor.intake.models import ImportBatch
from podbor.lib.errors import ServiceError

ROWS_SHOWN = 300


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"),
                           help_text=gettext_lazy("Up to 50 MB and 20,000 rows. The first row holds the headers."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}))
    pipeline = forms.ModelChoiceField(label=gettext_lazy("Pipeline the deals go to"),
                                      queryset=Pipeline.objects.filter(is_archived=False))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB. Split it into smaller files.")
                                        % {"mb": MAX_BYTES >> 20})
        return upload


class MappingForm(forms.Form):
    """One select per column of the file."""

    def __init__(self, *args, headers: list[str], mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(name, label) for name, label in FIELDS.items()]
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(label=header, choices=choices, initial=mapping[index])

    def mapping(self) -> list[str]:
        return [self.cleaned_data[f"col_{i}"] for i in range(len(self.fields))]


def _require_importer(request: HttpRequest) -> None:
    if not import_permitted(request.user):
        raise PermissionDenied


def _batch_or_404(request: HttpRequest, uuid) -> ImportBatch:
    batches = ImportBatch.objects.select_related("pipeline")
    if not request.user.is_admin:
        batches = batches.filter(created_by=request.user)
    return get_object_or_404(batches, uuid=uuid)


@login_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batch_upload(actor=request.user, pipeline=form.cleaned_data["pipeline"],
                                        filename=upload.name, content=upload.read())
        except ServiceError as exc:
            for message in exc.fields.get("file", []) or [exc.detail]:
                form.add_error("file", message)
        else:
            return redirect("intake-import", uuid=batch.uuid)
    recent = ImportBatch.objects.select_related("pipeline").order_by("-id")
    if not request.user.is_admin:
        recent = recent.filter(created_by=request.user)
    return render(request, "intake/import_new.html", {"form": form, "recent": recent[:10]})


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, uuid) -> HttpResponse:
    """The columns and the dry run; POST saves the columns. A committed import shows its result instead."""
    _require_importer(request)
    batch = _batch_or_404(request, uuid)
    if batch.status == ImportBatch.Status.COMMITTED:
        return _result(request, batch)
    form = MappingForm(request.POST or None, headers=batch.headers, mapping=batch.mapping)
    report, problems = None, []
    if request.method == "POST" and form.is_valid():
        try:
            import_batch_mapping_set(batch=batch, mapping=form.mapping())
        except ServiceError as exc:
            _form_errors(form, exc)
        else:
            return redirect("intake-import", uuid=batch.uuid)
    if not form.errors:
        try:
            report = import_dry_run(table=import_batch_table(batch), mapping=batch.mapping,
                                    pipeline=batch.pipeline, actor=request.user)
        except ServiceError as exc:
            # Shown above the columns: usually "no phone or email column", fixed by choosing one.
            problems = [exc.detail] + [m for messages in exc.fields.values() for m in messages]
    return render(request, "intake/import_detail.html", {
        "batch": batch, "form": form, "report": report, "problems": problems,
        **_rows_context(request, report.rows if report else []),
    })


@login_required
@require_POST
def import_commit(request: HttpRequest, uuid) -> HttpResponse:
    _require_importer(request)
    batch = _batch_or_404(request, uuid)
    try:
        import_batch_commit(batch=batch, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.detail)
    return redirect("intake-import", uuid=batch.uuid)


def _result(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    report = batch.report or {}
    rows = report.get("rows", [])
    return render(request, "intake/import_result.html", {
        "batch": batch, "counts": report.get("counts", {}), "seconds": report.get("seconds"),
        **_rows_context(request, rows),
    })


def _rows_context(request: HttpRequest, rows: list) -> dict:
    """Rows to show, filtered by outcome (?outcome=rejected), at most ROWS_SHOWN of them."""
    outcome = request.GET.get("outcome", "")
    if outcome in OUTCOMES:
        rows = [r for r in rows if (r["outcome"] if isinstance(r, dict) else r.outcome) == outcome]
    else:
        outcome = ""
    return {"rows": rows[:ROWS_SHOWN], "rows_total": len(rows), "rows_cut": len(rows) > ROWS_SHOWN,
            "outcome": outcome, "outcomes": OUTCOMES}


def _form_errors(form: forms.Form, exc: ServiceError) -> None:
    form.add_error(None, exc.detail)
    for field, texts in exc.fields.items():
        name = "col_" + field.split(".", 1)[1] if field.startswith("mapping.") else None
        for message in texts:
            form.add_error(name if name in form.fields else None, message)
