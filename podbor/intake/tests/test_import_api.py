"""POST /api/v1/imports: a multipart file, a pipeline, an optional mapping and dry_run → a JSON report."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from podbor.crm.models import Contact
from podbor.intake.importing import reading
from podbor.intake.tests.import_samples import HEADERS_RU, ROWS_RU, csv_bytes, import_events, xlsx_bytes

URL = "/api/v1/imports"


@pytest.fixture
def post(client, token_for, admin_user):
    def send(content, *, pipeline, user=admin_user, name="people.csv", **fields):
        data = {"file": SimpleUploadedFile(name, content), "pipeline": pipeline.pk if pipeline else "", **fields}
        return client.post(URL, data, **token_for(user))

    return send


def test_a_dry_run_answers_the_report_and_writes_nothing(post, pipeline):
    response = post(csv_bytes(HEADERS_RU, ROWS_RU, delimiter=";", encoding="cp1251"), pipeline=pipeline,
                    dry_run="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["counts"]["created"] == 3
    assert body["columns"][1] == {"header": "Телефон", "field": "phone"}
    assert body["rows"][0]["outcome"] == "created"
    assert Contact.objects.count() == 0


def test_a_commit_imports_an_xlsx_file(post, pipeline):
    response = post(xlsx_bytes(HEADERS_RU, ROWS_RU), pipeline=pipeline, name="люди.xlsx")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["counts"] == {"created": 3, "joined": 0, "repeat": 0, "rejected": 0, "already_imported": 0,
                              "failed": 0}
    assert Contact.objects.count() == 3
    assert import_events().count() == 3
    again = post(xlsx_bytes(HEADERS_RU, ROWS_RU), pipeline=pipeline).json()
    assert again["counts"]["already_imported"] == 3


def test_the_mapping_corrects_a_guessed_column(post, pipeline):
    content = csv_bytes(["Кто", "Связь"], [["Иванов Иван", "89991234567"]])
    refused = post(content, pipeline=pipeline)
    assert refused.status_code == 400
    assert refused.json()["error"] == "validation_error"
    assert "Кто, Связь" in refused.json()["fields"]["mapping"][0]  # no phone or email among the columns it names
    response = post(content, pipeline=pipeline, mapping=json.dumps({"Кто": "full_name", "Связь": "phone"}))
    assert response.status_code == 201, response.content
    assert Contact.objects.get().last_name == "Иванов"


def test_the_mapping_may_be_given_as_lines(post, pipeline):
    content = csv_bytes(["Кто", "Связь"], [["Иванов Иван", "89991234567"]])
    response = post(content, pipeline=pipeline, mapping="Кто=full_name\nСвязь=phone", dry_run="true")
    assert response.json()["counts"]["created"] == 1


@pytest.mark.parametrize("content, field", [
    (b"", "file"),
    (b"\x00\x01\x02binary junk", "file"),
    (b"PK\x03\x04broken", "file"),
])
def test_an_unreadable_file_is_a_400_with_the_reason(post, pipeline, content, field):
    response = post(content, pipeline=pipeline)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["fields"][field]


def test_a_file_over_the_limit_is_a_400(post, pipeline, monkeypatch):
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    monkeypatch.setattr("podbor.api.imports.MAX_BYTES", 100)
    response = post(csv_bytes(HEADERS_RU, ROWS_RU * 5), pipeline=pipeline)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_error"
    assert list(body["fields"]) == ["file"]
    assert body["fields"]["file"] == [body["detail"]]  # refused on its size, before it is read


def test_missing_file_unknown_pipeline_and_bad_mapping_are_field_errors(client, token_for, admin_user, post, pipeline):
    no_file = client.post(URL, {"pipeline": pipeline.pk}, **token_for(admin_user))
    assert no_file.status_code == 400
    assert "file" in no_file.json()["fields"]
    unknown = post(csv_bytes(HEADERS_RU, ROWS_RU), pipeline=None, dry_run="true")
    assert unknown.status_code == 400
    bad_mapping = post(csv_bytes(HEADERS_RU, ROWS_RU), pipeline=pipeline, mapping="{not json")
    assert bad_mapping.status_code == 400
    assert "mapping" in bad_mapping.json()["fields"]


def test_a_manager_may_not_import(post, pipeline, manager_a):
    response = post(csv_bytes(HEADERS_RU, ROWS_RU), pipeline=pipeline, user=manager_a)
    assert response.status_code == 403
    assert Contact.objects.count() == 0


def test_a_team_lead_may_import(post, pipeline, lead_a):
    response = post(csv_bytes(HEADERS_RU, ROWS_RU), pipeline=pipeline, user=lead_a)
    assert response.status_code == 201
    # The deals nobody owns yet are visible to a team lead, so the report links them.
    assert all(row["deal"] for row in response.json()["rows"])


def test_a_browser_session_needs_the_csrf_token(pipeline, admin_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    response = browser.post(URL, {"file": SimpleUploadedFile("a.csv", csv_bytes(HEADERS_RU, ROWS_RU)),
                                  "pipeline": pipeline.pk})
    assert response.status_code == 403
    assert Contact.objects.count() == 0
