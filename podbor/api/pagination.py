"""Lists answer ``{"items": [...], "count": N}`` and take ``?limit=`` (default 50) and ``?offset=``."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field

from podbor.api.schemas import CleanText

DEFAULT_LIMIT = 50


class PageParams(CleanText):
    limit: int = Field(DEFAULT_LIMIT, ge=1, description="At most API_PAGE_SIZE_MAX (500); more is cut down to it.")
    offset: int = Field(0, ge=0, le=10**12)


def paginate(queryset: QuerySet, params: PageParams, render: Callable[[Any], Any] | None = None) -> dict:
    limit = min(params.limit, settings.API_PAGE_SIZE_MAX)
    rows: Iterable = queryset[params.offset : params.offset + limit]
    return {"items": [render(row) for row in rows] if render else list(rows), "count": queryset.count()}
