import pytest
from django.urls import reverse

from podbor.crm.models import Contact, Deal, PossibleDuplicate
from podbor.crm.services import contact_create, deal_create, possible_duplicates_find


@pytest.fixture
def twins(pipeline, manager_a):
    """The same person twice: once in Cyrillic with a deal, once in Latin letters with another deal."""
    first = contact_create(actor=manager_a, full_name="Иванова Юлия", phones=["89991234567"], city="Казань")
    second = contact_create(actor=manager_a, full_name="Ivanova Yulia", phones=["89995550000"], city="Казань")
    first_deal = deal_create(actor=manager_a, title="Иванова — кассир", pipeline=pipeline, contact=first)
    second_deal = deal_create(actor=manager_a, title="Ivanova — повар", pipeline=pipeline, contact=second)
    assert possible_duplicates_find(contact=second)
    return first, second, first_deal, second_deal


def _panel(html: str) -> str:
    if 'id="possible-duplicates"' not in html:
        return ""
    start = html.index('id="possible-duplicates"')
    return html[start:html.index("</section>", start)]


def test_the_pair_is_shown_on_both_contact_cards_and_on_the_deal_card(client, manager_a, twins):
    first, second, first_deal, _second_deal = twins
    client.force_login(manager_a)

    on_first = _panel(client.get(reverse("crm-contact", args=[first.pk])).content.decode())
    on_second = _panel(client.get(reverse("crm-contact", args=[second.pk])).content.decode())
    on_deal = _panel(client.get(reverse("crm-deal", args=[first_deal.pk])).content.decode())

    assert reverse("crm-contact", args=[second.pk]) in on_first and "90%" in on_first
    assert reverse("crm-contact", args=[first.pk]) in on_second
    assert reverse("crm-contact", args=[second.pk]) in on_deal
    assert reverse("crm-contact-merge", args=[second.pk, first.pk]) in on_deal  # "merge into this contact"
    assert reverse("crm-contact-merge", args=[first.pk, second.pk]) in on_deal  # "merge this one into it"


def test_merge_from_the_contact_card_moves_the_deals_and_opens_the_surviving_contact(client, manager_a, twins):
    first, second, first_deal, second_deal = twins
    client.force_login(manager_a)

    answer = client.post(reverse("crm-contact-merge", args=[second.pk, first.pk]), follow=True)

    assert answer.redirect_chain[0] == (reverse("crm-contact", args=[first.pk]), 302)
    assert set(Deal.objects.filter(contact=first).values_list("pk", flat=True)) == {first_deal.pk, second_deal.pk}
    assert Contact.objects.get(pk=second.pk).merged_into_id == first.pk
    assert set(first.phones.values_list("e164", flat=True)) == {"+79991234567", "+79995550000"}
    html = answer.content.decode()
    assert "flash__success" in html and "Ivanova — повар" in html
    assert _panel(html) == ""  # the pair is resolved


def test_a_merged_contacts_card_leads_to_the_surviving_one(client, manager_a, twins):
    first, second, *_ = twins
    client.force_login(manager_a)
    client.post(reverse("crm-contact-merge", args=[first.pk, second.pk]))

    answer = client.get(reverse("crm-contact", args=[first.pk]))

    assert answer.status_code == 302 and answer["Location"] == reverse("crm-contact", args=[second.pk])


def test_not_a_duplicate_hides_the_pair_on_both_cards(client, manager_a, twins):
    first, second, first_deal, second_deal = twins
    client.force_login(manager_a)
    deal_url = reverse("crm-deal", args=[first_deal.pk])

    answer = client.post(reverse("crm-contact-not-duplicate", args=[first.pk, second.pk]), {"next": deal_url})

    assert answer.status_code == 302 and answer["Location"] == deal_url
    assert not PossibleDuplicate.objects.filter(resolved_at__isnull=True).exists()
    assert PossibleDuplicate.objects.count() == 2  # kept as a record
    for url in (reverse("crm-contact", args=[first.pk]), reverse("crm-contact", args=[second.pk]), deal_url,
                reverse("crm-deal", args=[second_deal.pk])):
        assert _panel(client.get(url).content.decode()) == "", url


def test_a_manager_cannot_merge_or_dismiss_a_contact_they_cannot_see(client, manager_a, manager_b, twins):
    first, second, *_ = twins
    theirs = contact_create(actor=manager_b, full_name="Иванова Юля", city="Казань")
    client.force_login(manager_a)

    for url in (reverse("crm-contact-merge", args=[theirs.pk, first.pk]),
                reverse("crm-contact-merge", args=[first.pk, theirs.pk]),
                reverse("crm-contact-not-duplicate", args=[first.pk, theirs.pk])):
        assert client.post(url).status_code == 404, url
    client.force_login(manager_b)
    assert client.post(reverse("crm-contact-merge", args=[first.pk, second.pk])).status_code == 404
    assert not Contact.objects.filter(merged_into__isnull=False).exists()


def test_an_outside_next_address_is_not_followed(client, manager_a, twins):
    first, second, *_ = twins
    client.force_login(manager_a)

    answer = client.post(reverse("crm-contact-not-duplicate", args=[first.pk, second.pk]),
                         {"next": "https://evil.example/"})

    assert answer["Location"] == reverse("crm-contact", args=[first.pk])
