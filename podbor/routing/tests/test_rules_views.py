from podbor.routing.models import DistributionRule, RuleMember
from podbor.routing.tests.distribution import PASSWORD, manager


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _form(pipeline, members: dict, **extra):
    data = {"name": "Отклики", "pipeline": pipeline.pk, "strategy": "weighted", "priority": 100,
            "only_present": "on", "returning_candidate": "on", "is_active": "on", **extra}
    for user, weight in members.items():
        data[f"member_{user.pk}"] = "on"
        data[f"weight_{user.pk}"] = weight
    return data


def test_an_admin_creates_a_weighted_rule_on_the_page(client, admin_user, pipeline):
    a, b = manager("a"), manager("b")
    _login(client, admin_user)

    assert client.get("/routing/rules/new/").status_code == 200
    answer = client.post("/routing/rules/new/", _form(pipeline, {a: 60, b: 40}))

    assert answer.status_code == 302
    rule = DistributionRule.objects.get()
    assert dict(RuleMember.objects.filter(rule=rule).values_list("user_id", "weight")) == {a.pk: 60, b.pk: 40}
    listing = client.get("/routing/rules/")
    assert listing.status_code == 200
    assert f'data-rule="{rule.pk}"'.encode() in listing.content


def test_weights_not_summing_to_100_show_an_error_and_keep_the_input(client, admin_user, pipeline):
    a, b = manager("a"), manager("b")
    _login(client, admin_user)

    answer = client.post("/routing/rules/new/", _form(pipeline, {a: 60, b: 30}))

    assert answer.status_code == 200
    assert not DistributionRule.objects.exists()
    assert answer.context["form"].non_field_errors()
    assert b'alert--error' in answer.content
    assert answer.context["form"][f"weight_{a.pk}"].value() == "60"


def test_an_admin_edits_and_deletes_a_rule(client, admin_user, pipeline):
    a, b = manager("a"), manager("b")
    _login(client, admin_user)
    client.post("/routing/rules/new/", _form(pipeline, {a: 50, b: 50}))
    rule = DistributionRule.objects.get()

    assert client.get(f"/routing/rules/{rule.pk}/").status_code == 200
    edited = client.post(f"/routing/rules/{rule.pk}/", _form(pipeline, {b: 0}, strategy="round_robin", name="Б"))
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.strategy) == ("Б", "round_robin")
    assert list(RuleMember.objects.filter(rule=rule).values_list("user_id", flat=True)) == [b.pk]

    assert client.post(f"/routing/rules/{rule.pk}/delete").status_code == 302
    assert not DistributionRule.objects.exists()


def test_team_leads_and_managers_cannot_open_the_rules(client, lead_a, manager_a):
    for user in (lead_a, manager_a):
        _login(client, user)
        assert client.get("/routing/rules/").status_code == 403
        assert client.get("/routing/rules/new/").status_code == 403
