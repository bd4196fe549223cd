from podbor.accounts.models import User
from podbor.crm.models import Deal
from podbor.routing.models import QueuedDeal
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import PASSWORD, manager, new_deal, rule


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_team_lead_sees_waiting_deals_with_why_and_assigns_one_by_hand(client, lead_a, manager_a, pipeline):
    away = manager("away", presence=User.Presence.PAUSE)
    rule(pipeline, [away])
    deal = new_deal(pipeline, title="Ждёт менеджера")
    deal_assign(deal=deal)
    _login(client, lead_a)

    page = client.get("/routing/queue/")

    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.deal_id for r in rows] == [deal.pk]
    assert [c["user"] for c in rows[0].why] == [away.pk]
    assert f'data-deal="{deal.pk}"'.encode() in page.content

    answer = client.post(f"/routing/queue/{deal.pk}/assign", {"user": manager_a.pk})

    assert answer.status_code == 302
    assert Deal.objects.get(pk=deal.pk).responsible_id == manager_a.pk
    assert not QueuedDeal.objects.exists()


def test_putting_a_queued_deal_through_the_rules_again_assigns_it_when_someone_is_back(client, admin_user, pipeline):
    away = manager("away", presence=User.Presence.PAUSE)
    rule(pipeline, [away])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    User.objects.filter(pk=away.pk).update(presence=User.Presence.AT_WORK)
    _login(client, admin_user)

    client.post(f"/routing/queue/{deal.pk}/assign", {"user": ""})

    assert Deal.objects.get(pk=deal.pk).responsible_id == away.pk


def test_a_manager_cannot_open_the_queue_or_assign(client, manager_a, pipeline):
    deal = new_deal(pipeline)
    _login(client, manager_a)
    assert client.get("/routing/queue/").status_code == 403
    assert client.post(f"/routing/queue/{deal.pk}/assign", {"user": manager_a.pk}).status_code == 403
    assert Deal.objects.get(pk=deal.pk).responsible_id is None
