import re
from pathlib import Path
from urllib.parse import urlencode

import pytest

from podbor.crm.models import Contact
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

SNIPPET = Path(__file__).resolve().parent.parent / "sources" / "site" / "snippet.html"
VALUES = {"name": "Лебедева Мария", "phone": "8 926 000-11-22", "email": "m.lebedeva@example.ru", "city": "Тула",
          "vacancy": "Кладовщик", "comment": "Звоните днём", "consent": "yes", "request_id": "3f1e-0001",
          "page": "https://example-shop.ru/jobs?utm_source=vk"}


@pytest.fixture
def site_source(pipeline):
    source, token = source_create(name="Сайт", kind="site", pipeline=pipeline)
    source.test_token = token
    return source


def test_the_snippet_posts_a_simple_cors_request_to_the_intake_url():
    html = SNIPPET.read_text()
    assert 'action="PODBOR_URL/api/v1/intake/SOURCE_SLUG?token=SOURCE_TOKEN"' in html
    assert '"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"' in html
    # Any other header (Idempotency-Key, Authorization…) would make the browser send a preflight first.
    assert "Idempotency-Key" not in html.split("<script>")[1]


def test_every_field_of_the_snippet_is_understood_by_the_site_parser(deliver, site_source):
    names = set(re.findall(r'name="([a-z_]+)"', SNIPPET.read_text()))
    assert names == set(VALUES)
    body = urlencode(VALUES)
    answer = deliver(site_source, None, raw=body, content_type="application/x-www-form-urlencoded")
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert (event.status, event.external_id) == ("processed", "3f1e-0001")
    contact = Contact.objects.get(pk=event.contact_id)
    assert (contact.full_name, contact.city) == ("Лебедева Мария", "Тула")
    assert list(contact.emails.values_list("normalized", flat=True)) == ["m.lebedeva@example.ru"]
