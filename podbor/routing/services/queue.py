"""The unassigned queue: deals nobody eligible could take, handed out oldest first when someone comes to work
(the presence event) and by a sweeper every minute (a schedule can start a shift without a click)."""

import logging

from django.db import connection, transaction
from django.db.models import Q

from podbor.crm.models import Deal
from podbor.events.models import DomainEvent
from podbor.lib.errors import ServiceError
from podbor.routing.models import QueuedDeal, RuleMember
from podbor.routing.services.assignment import deal_assign

logger = logging.getLogger(__name__)

BATCH = 500


def queue_hand_out(*, user_id: int | None = None, limit: int = BATCH) -> int:
    """Re-run the rules for queued deals, oldest first; answers how many found a manager.

    With ``user_id`` only the deals of rules that manager takes part in are tried (the rule still decides who gets
    each). Safe from several workers at once: a deal is claimed by locking its queue row, and deal_assign locks the
    deal and the rule."""
    queued = QueuedDeal.objects.order_by("queued_at", "id")
    if user_id is not None:
        rules = RuleMember.objects.filter(user_id=user_id).values("rule_id")
        queued = queued.filter(Q(rule_id__in=rules) | Q(rule__isnull=True))
    handed, stuck_rules = 0, set()
    for queued_pk, deal_id, rule_id in list(queued.values_list("pk", "deal_id", "rule_id")[:limit]):
        if rule_id is not None and rule_id in stuck_rules:
            continue
        try:
            with transaction.atomic():
                claim = QueuedDeal.objects.filter(pk=queued_pk)
                if connection.features.has_select_for_update_skip_locked:
                    claim = claim.select_for_update(skip_locked=True)
                if not claim.exists():
                    continue  # handed out meanwhile, or another worker holds it
                deal = Deal.objects.get(pk=deal_id)
                if deal.closed_at is not None:
                    claim.delete()
                    continue
                assignment = deal_assign(deal=deal)
        except ServiceError:
            logger.warning("queued deal %s could not be assigned", deal_id, exc_info=True)
            continue
        if assignment.user_id is not None:
            handed += 1
        elif assignment.rule_id is not None and not (assignment.rule and assignment.rule.skill_field):
            # Nobody could take this one, and nothing about the next deals of this rule differs for its filters.
            stuck_rules.add(assignment.rule_id)
    return handed


def on_presence_changed(event: DomainEvent) -> None:
    """Subscriber of "presence.changed": a manager who comes to work takes queued deals they are eligible for."""
    payload = event.payload or {}
    if payload.get("status") == "at_work" and payload.get("user"):
        queue_hand_out(user_id=int(payload["user"]))
