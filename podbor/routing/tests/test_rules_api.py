import json

import pytest

from podbor.accounts.models import Skill
from podbor.routing.models import DistributionRule, RuleMember
from podbor.routing.tests.distribution import manager


@pytest.fixture
def api_as(client, token_for):
    class Api:
        def __init__(self, user):
            self.headers = token_for(user)

        def call(self, method, path, data=None):
            send = getattr(client, method)
            body = json.dumps(data) if data is not None else None
            if body is None:
                return send("/api/v1" + path, **self.headers)
            return send("/api/v1" + path, body, content_type="application/json", **self.headers)

    return Api


def _rule(pipeline, members, **extra):
    return {"name": "Отклики", "pipeline": pipeline.pk, "members": members, **extra}


def test_an_admin_creates_reads_updates_and_deletes_a_weighted_rule(api_as, admin_user, pipeline, team_a):
    a, b = manager("a", team=team_a, skills=("english",)), manager("b", team=team_a, skills=("english",))
    api = api_as(admin_user)

    created = api.call("post", "/routing/rules", _rule(pipeline, [{"user": a.pk, "weight": 70},
                                                                  {"user": b.pk, "weight": 30}],
                                                       strategy="weighted", team=team_a.pk,
                                                       required_skills=["english"], max_open_untouched=30))

    assert created.status_code == 201
    body = created.json()
    assert (body["strategy"], body["team"], body["required_skills"], body["max_open_untouched"]) == (
        "weighted", team_a.pk, ["english"], 30)
    assert [(m["user"], m["weight"]) for m in body["members"]] == [(a.pk, 70), (b.pk, 30)]
    rule_id = body["id"]
    assert api.call("get", f"/routing/rules/{rule_id}").json()["name"] == "Отклики"
    assert api.call("get", "/routing/rules").json()["count"] == 1

    updated = api.call("put", f"/routing/rules/{rule_id}",
                       _rule(pipeline, [{"user": b.pk}], strategy="round_robin", name="Только Б"))
    assert updated.status_code == 200
    assert [m["user"] for m in updated.json()["members"]] == [b.pk]
    assert RuleMember.objects.filter(rule_id=rule_id).count() == 1

    assert api.call("delete", f"/routing/rules/{rule_id}").status_code == 204
    assert not DistributionRule.objects.exists()


def test_only_admins_configure_rules(api_as, lead_a, pipeline, manager_a):
    api = api_as(lead_a)
    assert api.call("get", "/routing/rules").status_code == 403
    assert api.call("post", "/routing/rules", _rule(pipeline, [{"user": manager_a.pk}])).status_code == 403
    assert not DistributionRule.objects.exists()


def test_weights_not_summing_to_100_are_refused_on_the_members_field(api_as, admin_user, pipeline):
    a, b = manager("a"), manager("b")
    answer = api_as(admin_user).call("post", "/routing/rules", _rule(
        pipeline, [{"user": a.pk, "weight": 50}, {"user": b.pk, "weight": 30}], strategy="weighted"))

    assert answer.status_code == 400
    assert "members" in answer.json()["fields"]
    assert not DistributionRule.objects.exists()


def test_unknown_skill_user_and_pipeline_are_field_errors(api_as, admin_user, pipeline):
    a = manager("a")
    api = api_as(admin_user)

    unknown_skill = api.call("post", "/routing/rules", _rule(pipeline, [{"user": a.pk}], required_skills=["klingon"]))
    unknown_refs = api.call("post", "/routing/rules", {"name": "X", "pipeline": 999_999,
                                                       "members": [{"user": 999_999}]})

    assert unknown_skill.status_code == 400
    assert list(unknown_skill.json()["fields"]) == ["required_skills"]
    assert unknown_refs.status_code == 400
    assert set(unknown_refs.json()["fields"]) == {"pipeline", "members.0.user"}


def test_a_rule_whose_filters_match_none_of_its_managers_is_refused(api_as, admin_user, pipeline, team_a, team_b):
    Skill.objects.create(code="tenders", name="Тендеры")
    in_b = manager("in_b", team=team_b)
    api = api_as(admin_user)

    wrong_team = api.call("post", "/routing/rules", _rule(pipeline, [{"user": in_b.pk}], team=team_a.pk))
    nobody_skilled = api.call("post", "/routing/rules", _rule(pipeline, [{"user": in_b.pk}],
                                                              required_skills=["tenders"]))
    zero_limit = api.call("post", "/routing/rules", _rule(pipeline, [{"user": in_b.pk}], max_open_untouched=0))

    assert (wrong_team.status_code, list(wrong_team.json()["fields"])) == (400, ["team"])
    assert (nobody_skilled.status_code, list(nobody_skilled.json()["fields"])) == (400, ["required_skills"])
    assert (zero_limit.status_code, list(zero_limit.json()["fields"])) == (400, ["max_open_untouched"])
    assert not DistributionRule.objects.exists()


def test_an_unknown_strategy_and_an_unknown_skill_field_are_refused(api_as, admin_user, pipeline):
    a = manager("a")
    answer = api_as(admin_user).call("post", "/routing/rules", _rule(pipeline, [{"user": a.pk}], strategy="lottery",
                                                                     skill_field="no_such_field"))
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"strategy", "skill_field"}
