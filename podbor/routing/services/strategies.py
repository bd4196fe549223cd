"""The three ways to pick one of the eligible managers. Each returns the chosen candidate and the candidates whose
weight state changed; the caller holds the rule's lock while it picks and saves."""

import datetime

from podbor.routing.models import DistributionRule
from podbor.routing.services.eligibility import Candidate

_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _turn_key(c: Candidate) -> tuple:
    """Assigned longest ago first (never assigned before anyone), then fewest, then the oldest membership."""
    return (c.last_assigned_at or _NEVER, c.assigned_count, c.member_id)


def pick_round_robin(eligible: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    return min(eligible, key=_turn_key), []


def pick_least_loaded(eligible: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    return min(eligible, key=lambda c: (c.untouched or 0, *_turn_key(c))), []


def pick_weighted(eligible: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    """Smooth weighted round robin (nginx's) over the eligible: every member gains its weight, the richest is chosen
    and pays the total. Over any run each member's share is within one lead of its weight's share."""
    weighted = [c for c in eligible if c.weight > 0]
    if not weighted:  # only zero weights are present: share equally rather than leave the lead waiting
        return pick_round_robin(eligible)
    total = 0
    for c in weighted:
        c.current_weight += c.weight
        total += c.weight
    chosen = max(weighted, key=lambda c: (c.current_weight, -c.member_id))
    chosen.current_weight -= total
    return chosen, weighted


PICKERS = {
    DistributionRule.Strategy.ROUND_ROBIN: pick_round_robin,
    DistributionRule.Strategy.WEIGHTED: pick_weighted,
    DistributionRule.Strategy.LEAST_LOADED: pick_least_loaded,
}
