from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from podbor.accounts.models import ApiToken
from podbor.accounts.services import api_token_authenticate, api_token_issue, api_token_revoke


def test_only_the_digest_of_an_issued_token_is_stored(manager_a):
    token = api_token_issue(user=manager_a, name="Интеграция")
    stored = ApiToken.objects.get(user=manager_a)
    assert stored.digest == ApiToken.digest_of(token) != token
    assert token not in {stored.digest, stored.name} and len(stored.prefix) == 8
    assert len(token) >= 40


def test_a_token_authenticates_its_user_and_notes_the_use(manager_a):
    token = api_token_issue(user=manager_a)
    assert api_token_authenticate(token=token) == manager_a
    assert ApiToken.objects.get(user=manager_a).last_used_at is not None


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_an_unknown_or_empty_token_authenticates_nobody(manager_a, token):
    api_token_issue(user=manager_a)
    assert api_token_authenticate(token=token) is None


def test_a_revoked_token_fails(manager_a):
    token = api_token_issue(user=manager_a)
    api_token_revoke(token=ApiToken.objects.get(user=manager_a))
    assert api_token_authenticate(token=token) is None


def test_the_token_of_an_inactive_user_fails(manager_a):
    token = api_token_issue(user=manager_a)
    manager_a.is_active = False
    manager_a.save()
    assert api_token_authenticate(token=token) is None


def test_issue_token_prints_the_token_as_the_last_word(admin_user):
    out = StringIO()
    call_command("issue_token", "admin", stdout=out)
    token = out.getvalue().split()[-1]
    assert api_token_authenticate(token=token) == admin_user


@pytest.mark.parametrize("username", ["nobody", "manager_a"])
def test_issue_token_refuses_an_unknown_or_inactive_user(manager_a, username):
    manager_a.is_active = False
    manager_a.save()
    with pytest.raises(CommandError):
        call_command("issue_token", username, stdout=StringIO())
    assert not ApiToken.objects.exists()
