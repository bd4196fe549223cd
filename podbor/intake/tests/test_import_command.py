"""manage.py import_contacts FILE --pipeline ID [--dry-run] [--map "Header=field" ...]"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from podbor.crm.models import Contact, Deal
from podbor.intake.importing.report import CREATED, OUTCOMES
from podbor.intake.tests.import_samples import HEADERS_RU, ROWS_RU, csv_bytes, xlsx_bytes


def run(*args) -> str:
    out = StringIO()
    call_command("import_contacts", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_a_file(tmp_path, pipeline):
    path = tmp_path / "люди.xlsx"
    path.write_bytes(xlsx_bytes(HEADERS_RU, ROWS_RU))
    output = run(str(path), "--pipeline", str(pipeline.pk))
    assert "Imported: 3 rows" in output
    assert f"{OUTCOMES[CREATED]}: 3" in output
    assert Deal.objects.filter(pipeline=pipeline).count() == 3


def test_a_dry_run_prints_the_report_and_writes_nothing(tmp_path, pipeline):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(HEADERS_RU, [*ROWS_RU, ["Никто", "", "", "", "", ""]], delimiter=";",
                               encoding="cp1251"))
    with override("en"):  # the rows' reasons come in the active language
        output = run(str(path), "--pipeline", str(pipeline.pk), "--dry-run")
    assert "Dry run, nothing written: 4 rows" in output
    assert "row 5: rejected — No phone and no email." in output
    assert Contact.objects.count() == 0


def test_map_corrects_a_column(tmp_path, pipeline):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(["Кто", "Связь"], [["Иванов Иван", "89991234567"]]))
    run(str(path), "--pipeline", str(pipeline.pk), "--map", "Кто=full_name", "--map", "Связь=phone")
    assert Contact.objects.get().first_name == "Иван"


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (csv_bytes(["ФИО", "Город"], [["Иванов Иван", "Москва"]]), "phone or an email"),
])
def test_bad_files_end_with_a_clear_error(tmp_path, pipeline, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message), override("en"):
        run(str(path), "--pipeline", str(pipeline.pk))


def test_an_unknown_pipeline_or_file_is_an_error(tmp_path, pipeline):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--pipeline", str(pipeline.pk))
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(HEADERS_RU, ROWS_RU))
    with pytest.raises(CommandError, match="No pipeline"):
        run(str(path), "--pipeline", "999999")
