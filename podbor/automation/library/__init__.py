"""The process templates Podbor ships: each installs in one click (a deployed definition and its triggers)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext_lazy as _

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    description: str
    triggers: tuple[dict, ...] = field(default_factory=tuple)  # ProcessTrigger fields; "stage" by name

    @property
    def xml(self) -> str:
        return (HERE / f"{self.key}.bpmn").read_text(encoding="utf-8")


TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("sla_call_90s", _("Call back within 90 seconds"),
             _("A call task for the responsible; if nobody called in 90 s, the lead goes to the next manager at "
               "work and the team lead is told."),
             ({"kind": "deal_created"},)),
    Template("stuck_on_stage", _("Stuck on a stage"),
             _("When a deal stays on a stage longer than the stage's target time, the team lead gets a task."),
             ({"kind": "stage_entered", "all_stages": True},)),
    Template("relevance_check", _("Relevance check"),
             _("A candidate from outside the work zone: the deal is closed as lost and a polite reply is sent."),
             ({"kind": "deal_created"},)),
    Template("interview_reminders", _("Interview reminders"),
             _("When an interview is booked, the candidate gets a reminder the day before and two hours before."),
             ({"kind": "stage_entered", "stage_with_field": "interview_date"},)),
    Template("periodic_check", _("Check an outside system every 20 minutes"),
             _("Asks an outside system for a figure every 20 minutes; below 5,000 the team lead is told."), ()),
    Template("repeat_caller_support", _("A working candidate calls again"),
             _("A call for a deal on the “Working” stage becomes a support task instead of a new lead."),
             ({"kind": "call_received"},)),
)}
