from django.urls import reverse

from podbor.accounts.models import ApiToken
from podbor.accounts.services import api_token_authenticate, api_token_issue


def test_new_token_is_shown_once_and_works_until_revoked(client, manager_a):
    client.force_login(manager_a)
    response = client.post(reverse("accounts-tokens"), {"name": "1C"})
    assert response.status_code == 200
    token = response.context["issued"]
    assert token and token in response.content.decode()
    assert api_token_authenticate(token=token) == manager_a

    again = client.get(reverse("accounts-tokens")).content.decode()
    assert token not in again
    assert ApiToken.objects.get(user=manager_a).prefix in again

    stored = ApiToken.objects.get(user=manager_a)
    assert client.post(reverse("accounts-token-revoke", args=[stored.pk])).status_code == 302
    assert api_token_authenticate(token=token) is None


def test_a_user_cannot_revoke_someone_elses_token(client, manager_a, manager_b):
    api_token_issue(user=manager_b, name="b")
    client.force_login(manager_a)
    other = ApiToken.objects.get(user=manager_b)
    assert client.post(reverse("accounts-token-revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
