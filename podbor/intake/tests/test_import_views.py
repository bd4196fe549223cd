"""The import pages: upload with a pipeline → columns and dry run → commit → result."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from podbor.crm.models import Contact, Deal
from podbor.intake.models import ImportBatch
from podbor.intake.tests.import_samples import HEADERS_RU, ROWS_RU, csv_bytes, xlsx_bytes


@pytest.fixture
def upload(client):
    def send(user, content, pipeline, name="people.csv"):
        client.force_login(user)
        return client.post(reverse("intake-import-new"),
                           {"file": SimpleUploadedFile(name, content), "pipeline": pipeline.pk})

    return send


def test_an_admin_uploads_previews_and_commits(client, upload, admin_user, pipeline):
    response = upload(admin_user, xlsx_bytes(HEADERS_RU, ROWS_RU), pipeline, name="люди.xlsx")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("intake-import", args=[batch.uuid])

    preview = client.get(response.url)
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Иванов Иван Иванович" in page
    assert 'name="col_1"' in page
    assert Contact.objects.count() == 0

    committed = client.post(reverse("intake-import-commit", args=[batch.uuid]))
    assert committed.status_code == 302
    assert Deal.objects.filter(pipeline=pipeline).count() == 3
    batch.refresh_from_db()
    assert (batch.status, bytes(batch.content)) == ("committed", b"")
    result = client.get(reverse("intake-import", args=[batch.uuid]))
    assert result.status_code == 200
    assert "Иванов Иван Иванович" not in result.content.decode()  # the result keeps row numbers, not names
    assert f"/deals/{Deal.objects.order_by('id').first().pk}/" in result.content.decode()


def test_a_second_commit_of_the_same_upload_is_refused(client, upload, admin_user, pipeline):
    upload(admin_user, csv_bytes(HEADERS_RU, ROWS_RU), pipeline)
    batch = ImportBatch.objects.get()
    client.post(reverse("intake-import-commit", args=[batch.uuid]))
    client.post(reverse("intake-import-commit", args=[batch.uuid]))
    assert Deal.objects.count() == 3


def test_columns_are_changed_with_a_select_per_column(client, upload, admin_user, pipeline):
    upload(admin_user, csv_bytes(["Кто", "Связь"], [["Иванов Иван", "89991234567"]]), pipeline)
    batch = ImportBatch.objects.get()
    url = reverse("intake-import", args=[batch.uuid])
    before = client.get(url).content.decode()
    assert 'class="alert alert--error"' in before
    assert "Кто, Связь" in before  # no phone or email among the columns the problem names
    assert reverse("intake-import-commit", args=[batch.uuid]) not in before  # no report, nothing to commit
    saved = client.post(url, {"col_0": "full_name", "col_1": "phone"})
    assert saved.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping == ["full_name", "phone"]
    after = client.get(url).content.decode()
    assert reverse("intake-import-commit", args=[batch.uuid]) in after
    assert "status--won" in after  # the row's outcome: a new contact and deal


def test_a_bad_file_is_a_form_error(client, upload, admin_user, pipeline):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the reason is what the user reads
    response = upload(admin_user, b"\x00\x01binary", pipeline)
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert "does not look like a CSV or XLSX file" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_a_team_lead_may_import_but_a_manager_may_not(client, upload, lead_a, manager_a, pipeline):
    assert upload(lead_a, csv_bytes(HEADERS_RU, ROWS_RU), pipeline).status_code == 302
    page = client.get(reverse("intake-import-new"))
    assert page.status_code == 200
    assert "people.csv" in page.content.decode()  # listed among the recent imports
    client.force_login(manager_a)
    assert client.get(reverse("intake-import-new")).status_code == 403
    assert upload(manager_a, csv_bytes(HEADERS_RU, ROWS_RU), pipeline).status_code == 403


def test_another_users_upload_is_not_found(client, upload, lead_a, admin_user, pipeline, team_b):
    from podbor.accounts.models import User
    from podbor.accounts.services import user_create

    upload(lead_a, csv_bytes(HEADERS_RU, ROWS_RU), pipeline)
    batch = ImportBatch.objects.get()
    other_lead = user_create(username="lead_b", password="x-long-password-1", role=User.Role.TEAM_LEAD, team=team_b)
    client.force_login(other_lead)
    assert client.get(reverse("intake-import", args=[batch.uuid])).status_code == 404
    assert client.post(reverse("intake-import-commit", args=[batch.uuid])).status_code == 404
    client.force_login(admin_user)
    assert client.get(reverse("intake-import", args=[batch.uuid])).status_code == 200
