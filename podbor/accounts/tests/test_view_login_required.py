import pytest
from django.urls import reverse

PAGES = [
    ("crm-board", {}),
    ("crm-contacts", {}),
    ("crm-my-tasks", {}),
    ("crm-deal-new", {}),
    ("accounts-tokens", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_sends_an_anonymous_visitor_to_the_login_page(client, db, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-login"))

