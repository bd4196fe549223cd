import json

import pytest

from podbor.intake.services import source_create


@pytest.fixture
def generic_source(pipeline):
    source, token = source_create(name="Сайт", kind="generic", pipeline=pipeline)
    source.test_token = token
    return source


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    """``deliver(source, payload, **headers)`` posts like a vendor would and runs the processing job."""

    def post(source, payload, *, idempotency_key=None, raw=None, content_type="application/json", token=None):
        headers = {}
        if idempotency_key:
            headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
        body = raw if raw is not None else json.dumps(payload, ensure_ascii=False)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/intake/{source.slug}?token={token or source.test_token}", body,
                               content_type=content_type, **headers)

    return post
