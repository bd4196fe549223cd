from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import manager, new_contact, new_deal, rule


def test_a_returning_candidate_goes_back_to_the_previous_manager(pipeline):
    first, second = manager("first"), manager("second")
    rule(pipeline, [first, second])
    person = new_contact()
    earlier = new_deal(pipeline, contact=person, title="Прошлый отклик")
    Deal.objects.filter(pk=earlier.pk).update(responsible=second)
    # The turn is first's (never assigned), but the person returns to second.
    assignment = deal_assign(deal=new_deal(pipeline, contact=person))

    assert assignment.user_id == second.pk
    row = next(r for r in assignment.considered if r["user"] == second.pk)
    assert row["code"] == "chosen_returning"
    assert row["params"]["deal_id"] == earlier.pk


def test_a_returning_candidate_whose_manager_is_away_goes_by_the_strategy(pipeline):
    first, second = manager("first"), manager("second", presence=User.Presence.PAUSE)
    rule(pipeline, [first, second])
    person = new_contact()
    Deal.objects.filter(pk=new_deal(pipeline, contact=person).pk).update(responsible=second)

    assert deal_assign(deal=new_deal(pipeline, contact=person)).user_id == first.pk


def test_the_returning_rule_can_be_switched_off(pipeline):
    first, second = manager("first"), manager("second")
    rule(pipeline, [first, second], returning_candidate=False)
    person = new_contact()
    Deal.objects.filter(pk=new_deal(pipeline, contact=person).pk).update(responsible=second)

    assert deal_assign(deal=new_deal(pipeline, contact=person)).user_id == first.pk
