import pytest

from podbor.intake.services import source_create


@pytest.fixture
def whatsapp_source(pipeline):
    source, token = source_create(name="WhatsApp", kind="whatsapp", pipeline=pipeline)
    source.test_token = token
    return source


@pytest.fixture
def call_source(pipeline):
    source, token = source_create(name="Zadarma", kind="call", pipeline=pipeline)
    source.test_token = token
    return source


def test_whatsapp_verification_echoes_the_challenge_for_the_source_token(client, whatsapp_source):
    url = f"/api/v1/intake/{whatsapp_source.slug}"
    params = {"hub.mode": "subscribe", "hub.verify_token": whatsapp_source.test_token, "hub.challenge": "1158201444"}
    answer = client.get(url, params)
    assert (answer.status_code, answer.content) == (200, b"1158201444")
    assert answer["Content-Type"].startswith("text/plain")
    wrong = client.get(url, {**params, "hub.verify_token": "guess"})
    assert wrong.status_code == 401


def test_zadarma_url_check_echoes_zd_echo_when_the_url_carries_the_token(client, call_source):
    url = f"/api/v1/intake/{call_source.slug}"
    answer = client.get(url, {"token": call_source.test_token, "zd_echo": "a1b2c3"})
    assert (answer.status_code, answer.content) == (200, b"a1b2c3")
    assert client.get(url, {"zd_echo": "a1b2c3"}).status_code == 401


def test_a_get_without_a_known_handshake_is_404_and_the_event_log_is_not_shadowed(
    client, call_source, admin_user, token_for
):
    assert client.get(f"/api/v1/intake/{call_source.slug}", {"token": call_source.test_token}).status_code == 404
    assert client.get("/api/v1/intake/events", **token_for(admin_user)).status_code == 200
