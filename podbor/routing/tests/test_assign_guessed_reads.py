"""The managers of the rule a deal will most likely match are read in the same round trip as the locks (a guess from
the rule its pipeline and source matched last); a guess the locked rule contradicts is not used."""

from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.routing.models import DistributionRule
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_deal, rule


def test_a_rule_changed_since_the_last_decision_decides_by_its_new_settings(pipeline):
    anna, boris = manager("anna"), manager("boris")
    rr = rule(pipeline, [anna, boris], max_open_untouched=5)
    assert deal_assign(deal=new_deal(pipeline)).user_id == anna.pk  # the guess for this pipeline is now rr
    DistributionRule.objects.filter(pk=rr.pk).update(max_open_untouched=1)
    User.objects.filter(pk=boris.pk).update(presence=User.Presence.PAUSE)

    assignment = deal_assign(deal=new_deal(pipeline))

    # anna has one untouched lead (limit 1 now), boris paused: nobody, and the reasons say why
    assert assignment.user_id is None
    reasons = {row["user"]: row["code"] for row in assignment.considered}
    assert reasons == {anna.pk: "limit", boris.pk: "paused"}


def test_a_rule_switched_to_everyone_reads_the_managers_not_at_work_too(pipeline):
    away = manager("away", presence=User.Presence.OFF)
    rr = rule(pipeline, [away])
    assert deal_assign(deal=new_deal(pipeline)).user_id is None
    DistributionRule.objects.filter(pk=rr.pk).update(only_present=False)

    assert deal_assign(deal=new_deal(pipeline)).user_id == away.pk


def test_a_new_rule_with_a_higher_priority_takes_over_from_the_guessed_one(pipeline):
    anna, boris = manager("anna"), manager("boris")
    rule(pipeline, [anna], priority=5)
    assert deal_assign(deal=new_deal(pipeline)).user_id == anna.pk
    first = rule(pipeline, [boris], priority=1, name="Первое")

    assignment = deal_assign(deal=new_deal(pipeline))

    assert (assignment.user_id, assignment.rule_id) == (boris.pk, first.pk)


def test_a_stale_copy_of_the_deal_is_decided_by_the_locked_row(pipeline):
    anna, boris = manager("anna"), manager("boris")
    rule(pipeline, [anna, boris], max_open_untouched=1)
    deal_assign(deal=new_deal(pipeline))  # anna: 1 untouched, at her limit
    stale = new_deal(pipeline)
    Deal.objects.filter(pk=stale.pk).update(responsible=anna)  # anna's second; the caller's copy has nobody

    assignment = deal_assign(deal=stale)

    # As the locked rows say: anna has two untouched leads (this one too), over her limit
    assert assignment.user_id == boris.pk
    assert {row["user"]: row["code"] for row in assignment.considered}[anna.pk] == "limit"
