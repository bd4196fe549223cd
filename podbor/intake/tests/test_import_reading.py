"""Reading spreadsheets as Russian users save them: encodings, delimiters, XLSX, blank lines above the header."""

import pytest
from django.utils.translation import override

from podbor.intake.importing.columns import header_score
from podbor.intake.importing.reading import MAX_BYTES, table_read
from podbor.intake.importing.services import import_table_read
from podbor.intake.tests.import_samples import HEADERS_RU, ROWS_RU, csv_bytes, xlsx_bytes
from podbor.lib.errors import ValidationFailed


def read(content: bytes):
    return table_read(content, header_score=header_score)


def test_utf8_csv_with_commas_is_read():
    table = read(csv_bytes(HEADERS_RU, ROWS_RU))
    assert table.headers == HEADERS_RU
    assert table.delimiter == ","
    assert table.rows[0] == (2, ROWS_RU[0])
    assert len(table.rows) == 3


def test_cp1251_csv_with_semicolons_as_russian_excel_writes_it_is_read():
    content = csv_bytes(HEADERS_RU, ROWS_RU, delimiter=";", encoding="cp1251")
    table = read(content)
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert table.headers[0] == "ФИО"
    assert table.rows[2][1][0] == "Сидоров Пётр"


def test_utf8_with_bom_and_tabs_is_read():
    table = read(b"\xef\xbb\xbf" + csv_bytes(HEADERS_RU, ROWS_RU, delimiter="\t"))
    assert table.headers[0] == "ФИО"  # no BOM glued to the first header
    assert table.delimiter == "\t"


def test_excel_unicode_text_in_utf16_is_read():
    table = read(csv_bytes(HEADERS_RU, ROWS_RU, delimiter="\t", encoding="utf-16"))
    assert table.headers == HEADERS_RU
    assert table.rows[1][1][0] == "Петрова Анна"


def test_quoted_fields_with_the_delimiter_inside_stay_whole():
    table = read(csv_bytes(["ФИО", "Комментарий", "Телефон"], [["Иванов Иван", "да; нет, может", "89991234567"]],
                           delimiter=";"))
    assert table.rows[0][1] == ["Иванов Иван", "да; нет, может", "89991234567"]


def test_empty_rows_before_the_header_are_skipped_in_csv_and_xlsx():
    for content in (csv_bytes(HEADERS_RU, ROWS_RU, leading_blank=3), xlsx_bytes(HEADERS_RU, ROWS_RU, leading_blank=2)):
        table = read(content)
        assert table.headers == HEADERS_RU
        assert [cells[0] for _n, cells in table.rows] == [r[0] for r in ROWS_RU]


def test_row_numbers_are_those_the_spreadsheet_shows():
    table = read(xlsx_bytes(HEADERS_RU, ROWS_RU, leading_blank=2))
    assert [n for n, _cells in table.rows] == [4, 5, 6]


def test_a_title_line_above_the_header_is_not_taken_for_the_header():
    content = csv_bytes(["Выгрузка кандидатов за март", "", ""], [["ФИО", "Телефон", "Город"],
                                                                    ["Иванов Иван", "89991234567", "Москва"]])
    table = read(content)
    assert table.headers == ["ФИО", "Телефон", "Город"]
    assert table.rows == [(3, ["Иванов Иван", "89991234567", "Москва"])]


def test_xlsx_phone_typed_as_a_number_reads_as_digits():
    table = read(xlsx_bytes(["ФИО", "Телефон", "Дата"], [["Иванов Иван", 79991234567, None]]))
    assert table.kind == "xlsx"
    assert table.rows[0][1] == ["Иванов Иван", "79991234567", ""]


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
    (b"PK\x03\x04not really a zip", "XLSX"),
    (b"\x00\x01\x02\x03binary", "does not look like"),
    ("ФИО;Телефон\r\n".encode(), "no data rows"),
])
def test_unreadable_files_are_refused_with_a_clear_reason(content, message):
    with pytest.raises(ValidationFailed) as refused, override("en"):
        import_table_read(content=content)
    assert message in refused.value.detail
    assert refused.value.fields["file"]


def test_a_file_over_50_mb_is_refused():
    with pytest.raises(ValidationFailed) as refused, override("en"):
        import_table_read(content=b"a" * (MAX_BYTES + 1))
    assert "50 MB" in refused.value.detail


def test_too_many_rows_are_refused_with_advice_to_split():
    rows = [[f"Человек {i}", f"8999{i:07d}"] for i in range(12)]
    with pytest.raises(ValidationFailed) as refused, override("en"):
        import_table_read(content=csv_bytes(["ФИО", "Телефон"], rows), max_rows=10)
    assert "Split" in refused.value.detail
