"""Query-string values that pydantic alone reads badly: a user as an id or "me", a moment in time."""

import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from podbor.accounts.models import User
from podbor.api.schemas import MAX_ID

# An unencoded "+03:00" in a query string arrives as " 03:00".
_SPACE_OFFSET = re.compile(r" (\d{2}(:?\d{2})?)$")


def user_id_param(value: str | None, *, user: User, field: str, errors: dict[str, list[str]]) -> int | None:
    if value is None or value.strip() == "":
        return None
    value = value.strip()
    if value.lower() == "me":
        return user.pk
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID:
        return int(value)
    errors[field] = [_("Expected a user id or “me”.")]
    return None


def datetime_param(value: str | None, *, field: str, errors: dict[str, list[str]]) -> datetime.datetime | None:
    if value is None or value.strip() == "":
        return None
    text = _SPACE_OFFSET.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        errors[field] = [_("Expected a date and time like 2026-01-31T09:30:00+03:00.")]
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
