"""What an import did, or would do in a dry run, row by row."""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_lazy

CREATED = "created"  # a new contact and a new deal
JOINED = "joined"  # an existing contact (same phone or email), a new deal in this pipeline
REPEAT = "repeat"  # an existing contact with an open deal here: attached to that deal
REJECTED = "rejected"  # nothing to reach the person by, or refused by the source's relevance rules
ALREADY = "already_imported"  # the same row was imported before (or appears twice in the file)
FAILED = "failed"  # the pipeline could not process it; the event is kept in the intake log

OUTCOMES = {
    CREATED: gettext_lazy("New contact and deal"),
    JOINED: gettext_lazy("Existing contact, new deal"),
    REPEAT: gettext_lazy("Repeat: attached to the open deal"),
    REJECTED: gettext_lazy("Rejected"),
    ALREADY: gettext_lazy("Already imported"),
    FAILED: gettext_lazy("Failed"),
}


@dataclass
class RowResult:
    row: int
    outcome: str
    reason: str = ""
    matched_by: str = ""  # phone | email | "" ; which contact is given only when the user may see it
    contact: int | None = None
    deal: int | None = None
    event: int | None = None
    name: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    headers: list[str]
    mapping: list[str]
    rows: list[RowResult] = field(default_factory=list)
    seconds: float = 0.0
    pipeline: int | None = None
    source: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for result in self.rows:
            counts[result.outcome] += 1
        return counts

    @property
    def rows_per_second(self) -> float:
        return len(self.rows) / self.seconds if self.seconds else 0.0

    def as_dict(self, *, with_names: bool = True) -> dict:
        rows = [asdict(r) for r in self.rows]
        if not with_names:
            for r in rows:
                r.pop("name")
        return {
            "dry_run": self.dry_run, "pipeline": self.pipeline, "source": self.source,
            "columns": [{"header": h, "field": f} for h, f in zip(self.headers, self.mapping, strict=True)],
            "total": len(self.rows), "counts": self.counts, "seconds": round(self.seconds, 3), "rows": rows,
        }
