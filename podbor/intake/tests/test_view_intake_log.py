from django.urls import reverse

from podbor.crm.models import Deal
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create


def _row_of(html: str, event_id: int) -> str:
    start = html.index(f'href="{reverse("intake-event", args=[event_id])}"')
    return html[start:html.index("</tr>", start)]


def test_the_log_lists_every_event_newest_first_with_its_status(client, admin_user, deliver, generic_source):
    processed = deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"], "city": "Казань"})
    failed = deliver(generic_source, {"full_name": "Без Контактов", "phones": ["12"]})
    first_id, failed_id = processed.json()["event"], failed.json()["event"]
    client.force_login(admin_user)

    html = client.get(reverse("intake-log")).content.decode()

    assert html.index(reverse("intake-event", args=[failed_id])) < html.index(reverse("intake-event", args=[first_id]))
    ok_row, failed_row = _row_of(html, first_id), _row_of(html, failed_id)
    assert "badge--processed" in ok_row and "Сайт" in ok_row
    assert reverse("crm-contact", args=[InboundEvent.objects.get(pk=first_id).contact_id]) in ok_row
    assert "badge--failed" in failed_row
    assert InboundEvent.objects.get(pk=failed_id).reason[:40] in failed_row


def test_the_log_filters_by_status_and_source(client, lead_a, deliver, generic_source, pipeline):
    other, other_token = source_create(name="Горячая линия", kind="generic", pipeline=pipeline)
    other.test_token = other_token
    site_ok = deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"]}).json()["event"]
    site_failed = deliver(generic_source, {"full_name": "Без Контактов"}).json()["event"]
    line_ok = deliver(other, {"full_name": "Петров Пётр", "phones": ["89990000001"]}).json()["event"]
    client.force_login(lead_a)

    failed_only = client.get(reverse("intake-log"), {"status": "failed"}).content.decode()
    by_source = client.get(reverse("intake-log"), {"source": other.pk}).content.decode()

    assert reverse("intake-event", args=[site_failed]) in failed_only
    assert reverse("intake-event", args=[site_ok]) not in failed_only
    assert reverse("intake-event", args=[line_ok]) in by_source
    assert reverse("intake-event", args=[site_ok]) not in by_source


def test_a_manager_is_refused_the_log_and_its_events(client, manager_a, deliver, generic_source):
    event_id = deliver(generic_source, {"full_name": "Без Контактов"}).json()["event"]
    client.force_login(manager_a)

    assert client.get(reverse("intake-log")).status_code == 403
    assert client.get(reverse("intake-event", args=[event_id])).status_code == 403
    assert client.post(reverse("intake-event-retry", args=[event_id])).status_code == 403
    assert reverse("intake-log") not in client.get(reverse("crm-board")).content.decode()  # no menu entry


def test_a_team_lead_finds_the_log_in_the_menu_but_not_the_sources(client, lead_a, pipeline):
    client.force_login(lead_a)

    html = client.get(reverse("intake-log")).content.decode()

    assert f'href="{reverse("intake-log")}"' in html
    assert reverse("intake-sources") not in html


def test_links_to_a_contact_and_a_deal_the_reader_may_not_see_are_left_out(
    client, lead_a, manager_b, team_b, deliver, generic_source
):
    event_id = deliver(generic_source, {"full_name": "Иванов Иван", "phones": ["89991234567"]}).json()["event"]
    event = InboundEvent.objects.get(pk=event_id)
    Deal.objects.filter(pk=event.deal_id).update(team=team_b, responsible=manager_b)  # handed to another team
    client.force_login(lead_a)

    html = client.get(reverse("intake-log")).content.decode()

    assert reverse("crm-deal", args=[event.deal_id]) not in html
    assert reverse("crm-contact", args=[event.contact_id]) not in html
