from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema

from podbor.api.pagination import PageParams, paginate
from podbor.api.refs import visible_or_404
from podbor.api.schemas import Page, error_responses
from podbor.crm.models import LostReason, Pipeline, Stage

router = Router(tags=["pipelines"])


class StageOut(Schema):
    id: int
    name: str
    kind: str
    order: int
    required_fields: list[str]
    target_seconds: int | None
    color: str


class LostReasonOut(Schema):
    id: int
    name: str


class PipelineOut(Schema):
    id: int
    name: str
    order: int
    is_archived: bool
    stages: list[StageOut]
    lost_reasons: list[LostReasonOut]


def pipeline_out(pipeline: Pipeline) -> dict:
    return {
        "id": pipeline.pk,
        "name": pipeline.name,
        "order": pipeline.order,
        "is_archived": pipeline.is_archived,
        "stages": [
            {
                "id": s.pk,
                "name": s.name,
                "kind": s.kind,
                "order": s.order,
                "required_fields": list(s.required_fields or []),
                "target_seconds": s.target_seconds,
                "color": s.color,
            }
            for s in pipeline.stages.all()
        ],
        "lost_reasons": [{"id": r.pk, "name": r.name} for r in pipeline.lost_reasons.all()],
    }


def _pipelines():
    # Pipelines are shared by every team: only the deals in them are scoped.
    return Pipeline.objects.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("order", "id")),
        Prefetch("lost_reasons", queryset=LostReason.objects.order_by("order", "id")),
    )


@router.get("/pipelines", response={200: Page[PipelineOut], **error_responses(400)},
            summary="Pipelines in use, with their stages and lost reasons")
def pipelines_list(request: HttpRequest, page: Query[PageParams]):
    return paginate(_pipelines().filter(is_archived=False).order_by("order", "id"), page, pipeline_out)


@router.get("/pipelines/{pipeline_id}", response={200: PipelineOut, **error_responses(404)})
def pipelines_get(request: HttpRequest, pipeline_id: int):
    return pipeline_out(visible_or_404(_pipelines(), pipeline_id))
