"""A process reassigning a lead (an SLA missed) hands it to someone other than its manager, and says so."""

from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_an_excluded_manager_is_passed_over_with_the_reason_recorded(pipeline, team_a):
    first, second = manager("first", team=team_a), manager("second", team=team_a)
    rule(pipeline, [first, second])
    deal = new_deal(pipeline)
    assert deal_assign(deal=deal).user == first

    again = deal_assign(deal=deal, exclude_users=[first.pk])

    assert again.user == second
    codes = {row["user"]: row["code"] for row in again.considered}
    assert codes[first.pk] == "excluded"


def test_nobody_left_after_the_exclusion_queues_the_deal(pipeline, team_a):
    only = manager("only", team=team_a)
    rule(pipeline, [only])
    deal = new_deal(pipeline)

    assignment = deal_assign(deal=deal, exclude_users=[only.pk])

    assert (assignment.user, assignment.reason) == (None, "queued")
