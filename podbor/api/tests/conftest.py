"""An API client per persona and a few CRM objects to talk about."""

import json

import pytest

from podbor.crm.services import contact_create, deal_create


class ApiClient:
    """Django's test client speaking JSON to /api/v1 with one user's token."""

    def __init__(self, client, headers: dict[str, str]):
        self.client = client
        self.headers = headers

    def _url(self, path: str) -> str:
        return "/api/v1" + path

    def get(self, path: str, params: dict | None = None):
        return self.client.get(self._url(path), params or {}, **self.headers)

    def post(self, path: str, data=None, *, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(self._url(path), body, content_type="application/json", **self.headers)

    def patch(self, path: str, data=None, *, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.patch(self._url(path), body, content_type="application/json", **self.headers)


@pytest.fixture
def api_as(client, token_for):
    """``api_as(user)`` -> an ApiClient authenticated as that user."""

    def make(user) -> ApiClient:
        return ApiClient(client, token_for(user))

    return make


@pytest.fixture
def anonymous(client) -> ApiClient:
    return ApiClient(client, {})


@pytest.fixture
def contact_a(manager_a):
    return contact_create(actor=manager_a, full_name="Иванов Иван", phones=["+7 999 1234567"],
                          emails=["Ivan@Example.com"], city="Казань")


@pytest.fixture
def deal_a(pipeline, manager_a, contact_a):
    return deal_create(actor=manager_a, title="Иванов — кассир", pipeline=pipeline, contact=contact_a)


@pytest.fixture
def contact_b(manager_b):
    return contact_create(actor=manager_b, full_name="Борисов Борис", phones=["+7 916 5550011"])


@pytest.fixture
def deal_b(pipeline, manager_b, contact_b):
    return deal_create(actor=manager_b, title="Борисов — грузчик", pipeline=pipeline, contact=contact_b)
