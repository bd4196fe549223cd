"""Reads for the pipeline board, built on ``deals_visible_to``: one aggregate for the counts, one windowed
query for the first cards of every column, the next open task of each card as subqueries."""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from podbor.accounts.models import User
from podbor.crm.models import Deal, Pipeline, Stage, Task
from podbor.crm.selectors import deals_search, deals_visible_to

CARD_FIELDS = (
    "id", "title", "source", "stage_id", "pipeline_id", "stage_entered_at", "closed_at", "contact", "responsible",
    "contact__first_name", "contact__last_name", "contact__middle_name",
    "responsible__first_name", "responsible__last_name", "responsible__username",
)


@dataclass
class BoardFilter:
    responsible_id: int | None = None
    source: str = ""
    q: str = ""

    @property
    def active(self) -> bool:
        return bool(self.responsible_id or self.source or self.q)


@dataclass
class Column:
    stage: Stage
    count: int = 0
    cards: list[Deal] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def board_pipelines() -> QuerySet[Pipeline]:
    return Pipeline.objects.filter(is_archived=False).order_by("order", "id")


def board_deals(user: User, pipeline: Pipeline, filters: BoardFilter) -> QuerySet[Deal]:
    deals = deals_visible_to(user).filter(pipeline=pipeline)
    if filters.responsible_id:
        deals = deals.filter(responsible_id=filters.responsible_id)
    if filters.source:
        deals = deals.filter(source=filters.source)
    if filters.q:
        deals = deals_search(deals, filters.q)
    return deals


def board_sources(user: User, pipeline: Pipeline, limit: int = 200) -> list[str]:
    sources = (
        deals_visible_to(user).filter(pipeline=pipeline).exclude(source="")
        .order_by("source").values_list("source", flat=True).distinct()
    )
    return list(sources[:limit])


def with_card_data(deals: QuerySet[Deal]) -> QuerySet[Deal]:
    """What a card shows: the contact, the responsible and the open task due soonest."""
    next_task = Task.objects.filter(deal=OuterRef("pk"), done_at__isnull=True).order_by(
        F("due_at").asc(nulls_last=True), "id"
    )
    return (
        deals.select_related("contact", "responsible")
        .only(*CARD_FIELDS)
        .annotate(
            next_task_title=Subquery(next_task.values("title")[:1]),
            next_task_due=Subquery(next_task.values("due_at")[:1]),
            next_task_kind=Subquery(next_task.values("kind")[:1]),
        )
    )


def board_columns(deals: QuerySet[Deal], stages: list[Stage], page: int) -> list[Column]:
    counts = dict(deals.order_by().values_list("stage_id").annotate(n=Count("id")))
    columns = {stage.pk: Column(stage=stage, count=counts.get(stage.pk, 0)) for stage in stages}
    ranked = with_card_data(deals).annotate(
        rank=Window(RowNumber(), partition_by=F("stage_id"), order_by=F("id").desc())
    ).filter(rank__lte=page).order_by("stage_id", "-id")
    for deal in ranked:
        if deal.stage_id in columns:
            columns[deal.stage_id].cards.append(deal)
    return list(columns.values())


def board_column_page(deals: QuerySet[Deal], stage: Stage, *, offset: int, page: int) -> tuple[list[Deal], bool]:
    """The next cards of one column after ``offset``, and whether more follow."""
    cards = list(with_card_data(deals.filter(stage=stage)).order_by("-id")[offset:offset + page + 1])
    return cards[:page], len(cards) > page


def board_card(deals: QuerySet[Deal], pk: int) -> Deal | None:
    return with_card_data(deals).filter(pk=pk).first()
