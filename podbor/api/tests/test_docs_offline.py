import re

from django.conf import settings
from django.contrib.staticfiles import finders


def test_the_openapi_schema_is_served_and_lists_the_resources(client, db):
    response = client.get("/api/v1/schema")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Podbor API"
    for path in ("/api/v1/me", "/api/v1/contacts", "/api/v1/deals/{deal_id}/move", "/api/v1/tasks/{task_id}/complete"):
        assert path in schema["paths"]


def test_the_docs_page_loads_nothing_from_another_host(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE), "the docs must work offline"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith(settings.STATIC_URL) or asset.startswith("/" + settings.STATIC_URL)
        assert finders.find(asset.split(settings.STATIC_URL, 1)[1]), f"{asset} is not shipped with the app"
