import datetime
import re
from collections.abc import Iterable

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import WorkSchedule
from podbor.accounts.services import work_hours_errors
from podbor.lib.errors import ServiceError


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, required=False,
                           help_text=_("Where the token is used, e.g. “1C export”."))


_INTERVAL = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?$")
_SEPARATORS = re.compile(r"[,;\n]+")


def _time(hours: str, minutes: str | None) -> datetime.time | None:
    h, m = int(hours), int(minutes or 0)
    return datetime.time(h, m) if h <= 23 and m <= 59 else None


def _hours_text(intervals: Iterable[tuple[datetime.time, datetime.time]]) -> str:
    return ", ".join(f"{starts:%H:%M}–{ends:%H:%M}" for starts, ends in intervals)


class WorkScheduleForm(forms.Form):
    """A week of working hours, a text field a day: "09:00–18:00", "09:00–13:00, 14:00–18:00", or empty for a day
    off. It reads the times; whether they make sense (the end after the start, no overlap) the service says."""

    def __init__(self, *args, rows: Iterable[WorkSchedule] = (), **kwargs):
        days: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
        for row in rows:
            days.setdefault(row.weekday, []).append((row.starts_at, row.ends_at))
        kwargs.setdefault("initial", {f"day_{d}": _hours_text(sorted(v)) for d, v in days.items()})
        super().__init__(*args, **kwargs)
        self.parsed: list[tuple[int, datetime.time, datetime.time]] = []
        for weekday, name in WEEKDAYS.items():
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=name, required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": "09:00–18:00", "autocomplete": "off"}))

    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"day_{weekday}"] for weekday in WEEKDAYS]

    def clean(self):
        data = super().clean()
        self.parsed = []
        for weekday in WEEKDAYS:
            name = f"day_{weekday}"
            for part in _SEPARATORS.split(data.get(name) or ""):
                part = part.strip()
                if not part:
                    continue
                match = _INTERVAL.match(part)
                times = (_time(match[1], match[2]), _time(match[3], match[4])) if match else (None, None)
                if match is None:
                    self.add_error(name, _("Write the hours as 09:00–18:00; several intervals separated by "
                                           "commas; leave empty for a day off."))
                elif None in times:
                    self.add_error(name, _("“%(value)s”: a time of day runs from 00:00 to 23:59.") % {"value": part})
                else:
                    self.parsed.append((weekday, *times))
        # The service's own rules, asked now so that every mistake shows at once (it checks them again on saving);
        # a day that could not be read is not judged on its readable half.
        unreadable = set(self.errors)
        for key, messages in work_hours_errors(self.parsed).items():
            name = f"day_{key.removeprefix('days.')}"
            if name in self.fields and name not in unreadable:
                for message in messages:
                    self.add_error(name, message)
        return data

    def hours(self) -> list[tuple[int, datetime.time, datetime.time]]:
        return self.parsed

    def show_service_error(self, exc: ServiceError) -> None:
        """The service names a day "days.<weekday>": its messages go under that day."""
        self.add_error(None, exc.detail)
        for key, messages in exc.fields.items():
            weekday = key.removeprefix("days.")
            name = f"day_{weekday}" if f"day_{weekday}" in self.fields else None
            for message in messages:
                self.add_error(name, message)
