"""Building blocks shared by every resource's schemas: ids, aware datetimes, pages and the error shape."""

import datetime
from typing import Annotated, Any, Generic, TypeVar

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator

from podbor.lib.ids import MAX_ID

Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _aware(value: datetime.datetime) -> datetime.datetime:
    # A client that sends local time without an offset means the server's time zone.
    return timezone.make_aware(value) if timezone.is_naive(value) else value


AwareDatetime = Annotated[datetime.datetime, AfterValidator(_aware)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class CleanText(Schema):
    """PostgreSQL refuses a NUL character in text with an error: refuse it here, as a field error."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError(_("Text cannot contain the NUL character."))
        return value


class Input(CleanText):
    """Request bodies refuse unknown keys, so that a typo ("phone" for "phones") is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int


class MissingField(Schema):
    field: str
    label: str
    message: str


class ErrorOut(Schema):
    error: str = Field(description="A stable code: validation_error, not_found, stage_guard_failed…")
    detail: str
    fields: dict[str, list[str]] = Field(default_factory=dict, description='{"phones.0": ["message"]}')
    missing: list[MissingField] | None = Field(None, description="Only for stage_guard_failed (422).")


def error_responses(*codes: int) -> dict[int, Any]:
    """Error answers for the OpenAPI schema; the bodies themselves come from podbor.api.errors."""
    return {code: ErrorOut for code in (401, *codes)}
