import pytest
from django.test import Client

from podbor.accounts.models import ApiToken
from podbor.accounts.services import api_token_issue, api_token_revoke
from podbor.conftest import PASSWORD


def test_a_call_without_a_token_is_refused_with_a_json_401(anonymous, manager_a):
    response = anonymous.get("/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Basic bWFuYWdlcl9hOnB3", "Token", "garbage"])
def test_a_bad_authorization_header_is_a_401(client, manager_a, header):
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_write_without_a_token_is_a_401_and_creates_nothing(anonymous, pipeline):
    response = anonymous.post("/deals", {"title": "x", "pipeline": pipeline.pk})
    assert response.status_code == 401
    assert not pipeline.deals.exists()


def test_a_revoked_token_no_longer_works(client, manager_a):
    token = api_token_issue(user=manager_a)
    api_token_revoke(token=ApiToken.objects.get(digest=ApiToken.digest_of(token)))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_a_token_identifies_its_user(api_as, manager_a):
    response = api_as(manager_a).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "manager_a"


def test_a_logged_in_browser_session_reads_without_a_token(client, manager_a):
    client.login(username="manager_a", password=PASSWORD)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["id"] == manager_a.pk


def test_a_session_write_without_the_csrf_token_is_refused(manager_a, pipeline):
    browser = Client(enforce_csrf_checks=True)
    browser.login(username="manager_a", password=PASSWORD)
    response = browser.post("/api/v1/notes", {"text": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_a_session_write_with_the_csrf_token_is_accepted(manager_a, contact_a):
    browser = Client(enforce_csrf_checks=True)
    browser.login(username="manager_a", password=PASSWORD)
    browser.get("/api/v1/docs")  # sets the CSRF cookie, like any page of the app would
    csrf = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/notes", {"contact": contact_a.pk, "text": "Позвонить завтра"},
                            content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201
