"""The pipeline board: columns per stage, filters, "show more", and the drag-and-drop move."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from podbor.crm.forms import BoardFilterForm, StageMoveForm
from podbor.crm.models import Pipeline
from podbor.crm.selectors import deals_visible_to, users_assignable_by
from podbor.crm.services import deal_move_to_stage
from podbor.crm.views.board_reads import (
    BoardFilter,
    board_card,
    board_column_page,
    board_columns,
    board_deals,
    board_pipelines,
    board_sources,
)
from podbor.lib.errors import GuardFailed, ServiceError


def _filters(data) -> BoardFilter:
    form = BoardFilterForm(data)
    if not form.is_valid():
        return BoardFilter()
    return BoardFilter(
        responsible_id=form.cleaned_data["responsible"],
        source=(form.cleaned_data["source"] or "").strip(),
        q=(form.cleaned_data["q"] or "").strip(),
    )


def _pipeline_or_404(pipeline_id: int | None) -> Pipeline | None:
    if pipeline_id is None:
        return board_pipelines().first()
    return get_object_or_404(Pipeline, pk=pipeline_id)


def _columns_context(request: HttpRequest, pipeline: Pipeline, filters: BoardFilter) -> dict:
    stages = list(pipeline.stages.all())
    deals = board_deals(request.user, pipeline, filters)
    columns = board_columns(deals, stages, settings.BOARD_COLUMN_PAGE)
    # Open stages first, then won and lost at the end.
    columns.sort(key=lambda c: (c.stage.is_closed, c.stage.kind == "lost"))
    return {"pipeline": pipeline, "columns": columns, "filters": filters}


@login_required
@require_GET
def board(request: HttpRequest, pipeline_id: int | None = None) -> HttpResponse:
    pipeline = _pipeline_or_404(pipeline_id)
    if pipeline is None:
        return render(request, "crm/board.html", {"pipeline": None, "pipelines": []})
    # Responsible and source may come in the address (they are no personal data); the text filter never does.
    filters = _filters({"responsible": request.GET.get("responsible"), "source": request.GET.get("source")})
    context = _columns_context(request, pipeline, filters) | {
        "pipelines": board_pipelines(),
        "assignable": users_assignable_by(request.user),
        "sources": board_sources(request.user, pipeline),
        "lost_reasons": pipeline.lost_reasons.all(),
    }
    return render(request, "crm/board.html", context)


@login_required
@require_POST
def board_columns_filtered(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    pipeline = get_object_or_404(Pipeline, pk=pipeline_id)
    context = _columns_context(request, pipeline, _filters(request.POST))
    return render(request, "crm/_board_columns.html", context)


@login_required
@require_POST
def board_column_more(request: HttpRequest, pipeline_id: int, stage_id: int) -> HttpResponse:
    pipeline = get_object_or_404(Pipeline, pk=pipeline_id)
    stage = get_object_or_404(pipeline.stages, pk=stage_id)
    try:
        offset = max(0, int(request.POST.get("offset", "0")))
    except ValueError:
        offset = 0
    deals = board_deals(request.user, pipeline, _filters(request.POST))
    page = settings.BOARD_COLUMN_PAGE
    cards, has_more = board_column_page(deals, stage, offset=offset, page=page)
    return render(request, "crm/_board_more_cards.html", {
        "pipeline": pipeline, "stage": stage, "cards": cards, "has_more": has_more, "next_offset": offset + len(cards),
    })


@login_required
@require_POST
def deal_move(request: HttpRequest, pk: int) -> JsonResponse:
    """The board's drop: JSON in and out. A guard refusal is 422 with the missing fields; nothing changes."""
    deal = get_object_or_404(deals_visible_to(request.user).select_related("pipeline"), pk=pk)
    form = StageMoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"ok": False, "detail": _("Choose a stage."), "fields": form.errors}, status=400)
    stage = deal.pipeline.stages.filter(pk=form.cleaned_data["stage"]).first()
    if stage is None:
        message = _("This stage belongs to another pipeline.")
        return JsonResponse({"ok": False, "detail": message, "fields": {"stage": [message]}}, status=400)
    reason = None
    if form.cleaned_data["lost_reason"]:
        reason = deal.pipeline.lost_reasons.filter(pk=form.cleaned_data["lost_reason"]).first()
    try:
        deal = deal_move_to_stage(deal=deal, stage=stage, actor=request.user, lost_reason=reason)
    except GuardFailed as exc:
        return JsonResponse(
            {"ok": False, "detail": exc.detail, "missing": exc.missing, "fields": exc.fields}, status=exc.status
        )
    except ServiceError as exc:
        return JsonResponse({"ok": False, "detail": exc.detail, "fields": exc.fields}, status=exc.status)
    card = board_card(deals_visible_to(request.user), deal.pk)
    html = render_to_string("crm/_board_card.html", {"deal": card}, request=request) if card else ""
    return JsonResponse({"ok": True, "deal": deal.pk, "stage": stage.pk, "card": html})
