from podbor.accounts.models import User
from podbor.routing.services import deal_assign
from podbor.routing.tests.distribution import PASSWORD, manager, new_deal, rule


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_deal_card_explains_why_this_manager(client, admin_user, pipeline):
    chosen, paused = manager("chosen"), manager("paused", presence=User.Presence.PAUSE)
    rule(pipeline, [paused, chosen])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    _login(client, admin_user)

    page = client.get(f"/deals/{deal.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="assignment-why"' in html
    assert f'class="why__item is-chosen" data-user="{chosen.pk}"' in html
    assert f'class="why__item is-skipped" data-user="{paused.pk}"' in html


def test_a_manager_sees_the_decision_but_not_the_colleagues_considered(client, pipeline, team_a):
    chosen = manager("chosen", team=team_a)
    paused = manager("paused", team=team_a, presence=User.Presence.PAUSE)
    rule(pipeline, [paused, chosen])
    deal = new_deal(pipeline)
    deal_assign(deal=deal)
    _login(client, chosen)

    html = client.get(f"/deals/{deal.pk}/").content.decode()

    assert 'id="assignment-why"' in html
    assert f'data-user="{chosen.pk}"' in html
    assert f'data-user="{paused.pk}"' not in html


def test_a_deal_never_distributed_has_no_why_block(client, manager_a, pipeline):
    from podbor.crm.services import deal_create

    deal = deal_create(actor=manager_a, title="Своя", pipeline=pipeline)
    _login(client, manager_a)
    assert 'id="assignment-why"' not in client.get(f"/deals/{deal.pk}/").content.decode()
