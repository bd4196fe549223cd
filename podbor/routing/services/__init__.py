"""Every write of the routing app goes through these functions."""

from podbor.routing.services.assignment import deal_assign, deal_reassign, deals_assign
from podbor.routing.services.queue import on_presence_changed, queue_hand_out
from podbor.routing.services.rules import MemberSpec, rule_create, rule_delete, rule_update

__all__ = [
    "MemberSpec",
    "deal_assign",
    "deal_reassign",
    "deals_assign",
    "on_presence_changed",
    "queue_hand_out",
    "rule_create",
    "rule_delete",
    "rule_update",
]
