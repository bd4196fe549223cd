"""Every source kind: a payload of the wrong shape is stored, marked failed with the parser's reason, never a 500."""

import pytest

from podbor.crm.models import Contact
from podbor.intake.models import InboundEvent
from podbor.intake.services import source_create

JSON, FORM = "application/json", "application/x-www-form-urlencoded"

WRONG_SHAPES = [
    ("hh", JSON, '{"items": [{"id": "1"}], "found": 1}', "'id' is missing"),
    ("hh", JSON, '{"id": "7", "resume": {"contact": "+79990001122"}}', "'resume.contact' must be a list"),
    ("superjob", JSON, '{"objects": [{"resume": {"id": 1}}]}', "not a SuperJob résumé"),
    ("superjob", JSON, '{"id": 5, "resume": "42443113"}', "'resume' must be an object"),
    ("rabota", JSON, '{"response": {"id": 1, "resume": null}}', "'resume' object are required"),
    ("vk", JSON, '{"data": {"id": "1", "type": "job", "attributes": {}}}', 'of type "application"'),
    ("vk", JSON, '{"data": {"id": "1", "type": "application", "attributes": {}}, "included": []}', "no candidate"),
    ("site", FORM, "foo=1&bar=2", "no form field was recognised"),
    ("site", FORM, "payload=%7Bnot+json", "not valid JSON"),
    ("whatsapp", JSON, '{"object": "page", "entry": []}', "whatsapp_business_account"),
    ("whatsapp", JSON, '{"object": "whatsapp_business_account", "entry": {"id": "1"}}', "'entry' must be a list"),
    ("call", FORM, "event=NOTIFY_SMS&pbx_call_id=1", "unknown event 'NOTIFY_SMS'"),
    ("call", FORM, "event=NOTIFY_END&pbx_call_id=in_1&duration=3", "has no caller_id"),
]


@pytest.mark.parametrize(("kind", "content_type", "body", "reason"), WRONG_SHAPES)
def test_a_payload_of_the_wrong_shape_is_kept_as_failed_with_the_reason(
    deliver, pipeline, kind, content_type, body, reason
):
    source, token = source_create(name=f"Источник {kind}", kind=kind, pipeline=pipeline)
    answer = deliver(source, None, raw=body, content_type=content_type, token=token)
    assert answer.status_code == 202
    event = InboundEvent.objects.get(pk=answer.json()["event"])
    assert event.status == "failed"
    assert reason in event.reason
    assert event.body == body
    assert Contact.objects.count() == 0
