"""Who of a rule's managers may take a deal now, and why each other one may not.

Every check answers with a reason code (podbor.routing.selectors.REASONS): the first check a manager fails is the one
recorded. Each check is one query for all the rule's managers, never one per manager."""

import datetime
from dataclasses import dataclass, field

from django.utils import translation

from podbor.accounts.models import Skill, User
from podbor.accounts.selectors import users_present
from podbor.crm.models import Deal
from podbor.routing.models import DistributionRule, RuleMember
from podbor.routing.selectors import reason_text, untouched_counts

# One grouped count reads at most this many index entries; beyond it, bounded per-manager counts take over.
SCAN_AT_MOST = 20_000
LEAST_LOADED_FIRST_CAP = 64
LEAST_LOADED_MAX_CAP = 64 * 16**2


@dataclass
class Candidate:
    """A rule member as the decision needs it: plain values read in one query, no model instances (200 of them
    would cost more than the whole decision's queries)."""

    member_id: int
    user_id: int
    name: str
    presence: str
    team_id: int | None
    weight: int
    current_weight: int
    assigned_count: int
    last_assigned_at: datetime.datetime | None
    code: str = "eligible"
    params: dict = field(default_factory=dict)
    untouched: int | None = None

    @property
    def eligible(self) -> bool:
        return self.code == "eligible" or self.code.startswith("chosen")

    def skip(self, code: str, **params) -> None:
        self.code, self.params = code, params

    def as_considered(self) -> dict:
        """The stored form; call it with English active (``considered_rows``): the text is for raw-data readers."""
        return {"user": self.user_id, "name": self.name, "eligible": self.eligible, "code": self.code,
                "params": self.params, "reason": reason_text(self.code, self.params)}


def considered_rows(candidates: list["Candidate"]) -> list[dict]:
    with translation.override("en"):
        return [c.as_considered() for c in candidates]


_MEMBER_VALUES = ("pk", "user_id", "user__first_name", "user__last_name", "user__username", "user__presence",
                  "user__team_id", "weight", "current_weight", "assigned_count", "last_assigned_at")


def _members(rule: DistributionRule) -> list[Candidate]:
    """The rule's active members; with ``only_present`` those not at work now (podbor.accounts.selectors.
    users_present: the switch and the working hours) are marked "paused" or "off"."""
    members = RuleMember.objects.filter(rule=rule, user__is_active=True)
    rows = members.order_by("id").values_list(*_MEMBER_VALUES)
    present = None
    if rule.only_present:
        # A subquery, not a list of 200 ids: cheaper to build and to run.
        present = set(users_present().filter(pk__in=members.values("user_id")).values_list("pk", flat=True))
    candidates = []
    for pk, user_id, first, last, username, presence, team_id, weight, current, count, last_at in rows:
        candidate = Candidate(member_id=pk, user_id=user_id, name=f"{first} {last}".strip() or username,
                              presence=presence, team_id=team_id, weight=weight, current_weight=current,
                              assigned_count=count, last_assigned_at=last_at)
        if present is not None and user_id not in present:
            candidate.skip("paused" if presence == User.Presence.PAUSE else "off")
        candidates.append(candidate)
    return candidates


def required_skills_for(rule: DistributionRule, deal: Deal) -> list[tuple[str, str]]:
    """(code, name) of the skills the deal needs under this rule: the rule's own plus the one its field names."""
    skills = [(s.code, s.name) for s in rule.required_skills.all()]
    value = (deal.custom or {}).get(rule.skill_field) if rule.skill_field else None
    if isinstance(value, str) and value.strip():
        code = value.strip()
        found = Skill.objects.filter(code=code).values_list("name", flat=True).first()
        # A value naming no known skill still has to be met: nobody has it, and the reason says what was asked.
        skills.append((code, found or code))
    return skills


def candidates_for(rule: DistributionRule, deal: Deal, *, for_least_loaded: bool = False) -> list[Candidate]:
    candidates = _members(rule)
    if not candidates:
        return candidates

    if rule.team_id is not None:
        for c in _still(candidates):
            if c.team_id != rule.team_id:
                c.skip("team", team=rule.team.name if rule.team else "")

    needed = required_skills_for(rule, deal)
    if needed:
        has: dict[int, set[str]] = {}
        through = User.skills.through.objects.filter(user_id__in=[c.user_id for c in _still(candidates)])
        for user_id, code in through.values_list("user_id", "skill__code"):
            has.setdefault(user_id, set()).add(code)
        for c in _still(candidates):
            missing = next((name for code, name in needed if code not in has.get(c.user_id, set())), None)
            if missing is not None:
                c.skip("skill", skill=missing)

    limit = rule.max_open_untouched
    if limit is not None or for_least_loaded:
        left = _still(candidates)
        counts = _untouched(left, limit, for_least_loaded)
        for c in left:
            c.untouched = counts.get(c.user_id, 0)
            if limit is not None and c.untouched >= limit:
                c.skip("limit", limit=limit)
    return candidates


def _untouched(left: list[Candidate], limit: int | None, for_least_loaded: bool) -> dict[int, int]:
    """Exact counts where they matter, with a bounded cost: counts at or above the limit only need to be "at least
    the limit", and least loaded only needs the smallest count."""
    ids = [c.user_id for c in left]
    counts = untouched_counts(ids, scan_at_most=SCAN_AT_MOST)
    if counts is not None:
        return counts
    # A large backlog of untouched leads: count each manager only up to what the decision needs.
    if limit is not None:
        return untouched_counts(ids, cap=limit)
    cap = LEAST_LOADED_FIRST_CAP
    while cap <= LEAST_LOADED_MAX_CAP:
        counts = untouched_counts(ids, cap=cap)
        if any(counts.get(pk, 0) < cap for pk in ids):
            return counts
        cap *= 16
    return untouched_counts(ids)


def _still(candidates: list[Candidate]) -> list[Candidate]:
    return [c for c in candidates if c.eligible]
