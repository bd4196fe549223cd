"""``deals_assign`` hands out a batch exactly as ``deal_assign`` for each deal in list order would: the same managers,
reasons, Assignment rows, queue, deal rows, timeline entries, domain events and rule member state. Each scenario
runs the deals one by one in a savepoint that is rolled back, then as one batch, and compares everything written."""

import contextlib

from django.db import transaction
from django.utils import timezone

from podbor.accounts.models import User
from podbor.crm.models import CustomField, Deal, Pipeline, Stage, TimelineEntry
from podbor.events.models import DomainEvent
from podbor.lib.errors import ValidationFailed
from podbor.routing.models import Assignment, DistributionRule, QueuedDeal, RuleMember
from podbor.routing.services import deal_assign, deals_assign
from podbor.routing.tests.distribution import manager, new_contact, new_deal, rule


def _written(deals: list[Deal]) -> dict:
    """Everything an assignment writes, without ids and times (which differ between the two runs)."""
    written = {}
    for deal in Deal.objects.filter(pk__in=[d.pk for d in deals]).order_by("pk"):
        assignments = list(Assignment.objects.filter(deal=deal).order_by("id"))
        position = {a.pk: i for i, a in enumerate(assignments)}
        written[deal.pk] = {
            "deal": (deal.responsible_id, deal.team_id, deal.touched_at is None),
            "assignments": [(a.user_id, a.rule_id, a.strategy, a.reason, a.actor_id, a.considered)
                            for a in assignments],
            "timeline": [(e.kind, e.text, e.author_id, e.contact_id,
                          {k: position.get(v) if k == "assignment" else v for k, v in e.data.items()})
                         for e in TimelineEntry.objects.filter(deal=deal).order_by("id")],
            "events": list(DomainEvent.objects.filter(deal_id=deal.pk).order_by("id").values_list(
                "kind", "contact_id", "actor_id", "payload")),
            "queued": QueuedDeal.objects.filter(deal=deal).values_list("rule_id", "reason").first(),
        }
    members = RuleMember.objects.order_by("id")
    written["members"] = list(members.values_list("id", "current_weight", "assigned_count"))
    # The turns: who was assigned longest ago (the times themselves differ between the runs).
    written["turns"] = [m.pk for m in sorted(members, key=lambda m: (m.last_assigned_at is not None,
                                                                      m.last_assigned_at or timezone.now(), m.pk))]
    return written


def _one_by_one_then_batch(deals: list[Deal], actor: User | None = None) -> tuple[dict, dict, list[Assignment]]:
    with transaction.atomic():
        for deal in deals:
            with contextlib.suppress(ValidationFailed):  # a closed deal: the batch leaves it out
                deal_assign(deal=deal, actor=actor)
        one_by_one = _written(deals)
        transaction.set_rollback(True)
    assignments = deals_assign(deals=deals, actor=actor)
    return one_by_one, _written(deals), assignments


def _same(deals: list[Deal], actor: User | None = None) -> list[Assignment]:
    one_by_one, batch, assignments = _one_by_one_then_batch(deals, actor)
    assert batch == one_by_one
    return assignments


def test_round_robin_batch_hands_out_in_turn_as_one_by_one(pipeline):
    managers = [manager(f"rr{i}") for i in range(3)]
    rule(pipeline, managers)
    deals = [new_deal(pipeline) for _ in range(8)]

    assignments = _same(deals)

    assert [a.deal_id for a in assignments] == [d.pk for d in deals]
    assert [a.user_id for a in assignments[:3]] == [m.pk for m in managers]
    assert all(a.reason == "assigned" and a.pk for a in assignments)


def test_weighted_batch_keeps_the_shares_and_the_weights_state(pipeline):
    managers = [manager(f"w{i}") for i in range(3)]
    User.objects.filter(pk=managers[2].pk).update(presence=User.Presence.PAUSE)
    managers.append(manager("w3"))
    rule(pipeline, managers, strategy=DistributionRule.Strategy.WEIGHTED, weights=[50, 20, 20, 10])

    assignments = _same([new_deal(pipeline) for _ in range(16)])

    # The paused manager's share goes to the others, by their weights.
    assert [sum(a.user_id == m.pk for a in assignments) for m in managers] == [10, 4, 0, 2]


def test_least_loaded_batch_counts_its_own_hand_outs(pipeline):
    busy, calm, free = manager("busy"), manager("calm"), manager("free")
    for user, n in ((busy, 4), (calm, 2)):
        for _ in range(n):
            Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=user)
    touched = new_deal(pipeline)
    Deal.objects.filter(pk=touched.pk).update(responsible=free, touched_at=timezone.now())  # not load
    rule(pipeline, [busy, calm, free], strategy=DistributionRule.Strategy.LEAST_LOADED)

    assignments = _same([new_deal(pipeline) for _ in range(7)])

    assert [a.user_id for a in assignments[:3]] == [free.pk, free.pk, calm.pk]
    chosen = next(row for row in assignments[0].considered if row["user"] == free.pk)
    assert (chosen["code"], chosen["params"]) == ("chosen_least_loaded", {"count": 0})


def test_a_limit_reached_in_the_middle_of_a_batch_queues_the_rest(pipeline):
    first, second = manager("first"), manager("second")
    Deal.objects.filter(pk=new_deal(pipeline).pk).update(responsible=first)
    rule(pipeline, [first, second], max_open_untouched=2)
    deals = [new_deal(pipeline) for _ in range(5)]

    assignments = _same(deals)

    assert [a.reason for a in assignments] == ["assigned", "assigned", "assigned", "queued", "queued"]
    assert {row["code"] for row in assignments[-1].considered} == {"limit"}
    assert set(QueuedDeal.objects.values_list("deal_id", flat=True)) == {deals[3].pk, deals[4].pk}


def test_a_deal_still_waiting_for_the_same_reasons_keeps_its_decision_and_its_place(pipeline):
    away, paused = manager("away", presence=User.Presence.OFF), manager("paused", presence=User.Presence.PAUSE)
    rule(pipeline, [away, paused])
    waiting = new_deal(pipeline, title="Ждёт")
    deal_assign(deal=waiting)
    queued_at = QueuedDeal.objects.get(deal=waiting).queued_at

    assignments = _same([new_deal(pipeline), waiting, new_deal(pipeline)])

    assert [a.reason for a in assignments] == ["queued"] * 3
    assert Assignment.objects.filter(deal=waiting).count() == 1
    assert QueuedDeal.objects.get(deal=waiting).queued_at == queued_at
    assert list(QueuedDeal.objects.values_list("deal_id", flat=True))[0] == waiting.pk


def test_a_returning_candidate_goes_back_also_to_a_manager_chosen_earlier_in_the_batch(pipeline):
    first, second, third = manager("first"), manager("second"), manager("third")
    rule(pipeline, [first, second, third])
    known, newcomer = new_contact("Известный Кандидат"), new_contact("Новый Кандидат")
    Deal.objects.filter(pk=new_deal(pipeline, contact=known, title="Прошлый").pk).update(responsible=third)
    deals = [new_deal(pipeline, contact=newcomer), new_deal(pipeline), new_deal(pipeline, contact=known),
             new_deal(pipeline, contact=newcomer)]

    assignments = _same(deals)

    assert [a.user_id for a in assignments] == [first.pk, second.pk, third.pk, first.pk]
    codes = [next(r["code"] for r in a.considered if r["user"] == a.user_id) for a in assignments]
    assert codes == ["chosen_round_robin", "chosen_round_robin", "chosen_returning", "chosen_returning"]


def test_deals_of_two_pipelines_and_rules_share_the_managers_counts(pipeline, team_a):
    other = Pipeline.objects.create(name="Водители")
    Stage.objects.create(pipeline=other, name="Новый отклик", order=1)
    CustomField.objects.create(entity=CustomField.Entity.DEAL, code="language", name="Язык")
    both = manager("both", team=team_a, skills=("english",))
    only_here = manager("here", team=team_a)
    only_there = manager("there")
    rule(pipeline, [both, only_here], max_open_untouched=2, team=team_a)
    rule(other, [both, only_there], strategy=DistributionRule.Strategy.LEAST_LOADED, skill_field="language")
    deals = [new_deal(pipeline), new_deal(other, custom={"language": "english"}), new_deal(pipeline),
             new_deal(other), new_deal(pipeline), new_deal(other, custom={"language": "german"}),
             new_deal(pipeline), new_deal(pipeline)]

    assignments = _same(deals)

    assert {a.rule.pipeline_id for a in assignments} == {pipeline.pk, other.pk}
    assert assignments[5].reason == "queued"  # nobody speaks German
    assert assignments[-1].reason == "queued"  # both at their limit of 2 here


def test_a_batch_of_a_person_on_behalf_of_an_actor_records_the_actor(pipeline, lead_a, team_a):
    managers = [manager(f"m{i}", team=team_a) for i in range(2)]
    rule(pipeline, managers)

    assignments = _same([new_deal(pipeline) for _ in range(3)], actor=lead_a)

    assert {a.actor_id for a in assignments} == {lead_a.pk}


def test_running_the_rules_again_for_assigned_deals_moves_their_load_as_one_by_one(pipeline):
    first, second = manager("first"), manager("second")
    rule(pipeline, [first, second], max_open_untouched=1, returning_candidate=False)
    mine = new_deal(pipeline)
    Deal.objects.filter(pk=mine.pk).update(responsible=first)  # first is at the limit with it

    assignments = _same([mine, new_deal(pipeline), new_deal(pipeline)])

    # The lead moves to second, which frees first for the next one; then both are full.
    assert [a.user_id for a in assignments] == [second.pk, first.pk, None]
