from podbor.crm.models import Contact
from podbor.intake.models import InboundEvent


def test_malformed_json_is_400_with_the_parse_error_and_stores_nothing(deliver, generic_source):
    answer = deliver(generic_source, None, raw='{"full_name": "Иван", ')
    assert answer.status_code == 400
    assert answer.json()["error"] == "validation_error"
    assert "body" in answer.json()["fields"]
    assert InboundEvent.objects.count() == 0


def test_an_unknown_source_is_404(client, db):
    answer = client.post("/api/v1/intake/nope?token=x", "{}", content_type="application/json")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


def test_a_bad_token_is_401_and_stores_nothing(deliver, generic_source):
    answer = deliver(generic_source, {"phones": ["9991112233"]}, token="wrong")
    assert answer.status_code == 401
    assert InboundEvent.objects.count() == 0


def test_a_valid_hmac_signature_is_accepted(client, generic_source, django_capture_on_commit_callbacks):
    import hashlib
    import hmac

    body = b'{"full_name": "Signed Person", "phones": ["+79990001100"]}'
    signature = hmac.new(generic_source.hmac_secret.encode(), body, hashlib.sha256).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/api/v1/intake/{generic_source.slug}", body, content_type="application/json",
                             HTTP_X_PODBOR_SIGNATURE=f"sha256={signature}")
    assert answer.status_code == 202
    bad = client.post(f"/api/v1/intake/{generic_source.slug}", body, content_type="application/json",
                      HTTP_X_PODBOR_SIGNATURE="sha256=" + "0" * 64)
    assert bad.status_code == 401


def test_a_payload_without_a_way_to_reach_the_person_is_kept_as_failed_and_can_be_retried(
    deliver, generic_source, admin_user, token_for, client
):
    answer = deliver(generic_source, {"external_id": "x1", "full_name": "Без Контактов", "phones": ["12"]})
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "failed"
    assert "No way to reach" in event.reason or "связ" in event.reason
    assert Contact.objects.count() == 0
    shown = client.get(f"/api/v1/intake/events/{event.pk}", **token_for(admin_user)).json()
    assert shown["status"] == "failed" and shown["reason"]
    # The cause is fixed (here: the stored body is corrected by an admin) and the event is processed again.
    InboundEvent.objects.filter(pk=event.pk).update(body='{"full_name": "Без Контактов", "phones": ["9991234500"]}')
    retried = client.post(f"/api/v1/intake/events/{event.pk}/retry", **token_for(admin_user))
    assert retried.status_code == 200
    assert retried.json()["status"] == "processed"


def test_a_body_over_the_upload_limit_is_413_json_and_stores_nothing(deliver, generic_source, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = deliver(generic_source, None, raw='{"comment": "' + "я" * 2000 + '"}')
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large" and "body" in answer.json()["fields"]
    assert InboundEvent.objects.count() == 0


def test_an_unsupported_method_is_405_json(client, generic_source):
    answer = client.put(f"/api/v1/intake/{generic_source.slug}", "{}", content_type="application/json")
    assert answer.status_code == 405
    assert answer.json()["error"] == "method_not_allowed"
    assert "POST" in answer["Allow"]


def test_a_signature_with_non_ascii_characters_is_401_not_a_crash(client, generic_source):
    answer = client.post(f"/api/v1/intake/{generic_source.slug}", '{"phones": ["9991112233"]}',
                         content_type="application/json", headers={"X-Podbor-Signature": "sha256=é"})
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"
    assert InboundEvent.objects.count() == 0
