"""Spreadsheets as recruiters send them, built in memory for the import tests."""

import io

from openpyxl import Workbook

from podbor.intake.models import InboundEvent, Source

HEADERS_RU = ["ФИО", "Телефон", "E-mail", "Город", "Вакансия", "Комментарий"]
ROWS_RU = [
    ["Иванов Иван Иванович", "8 (999) 123-45-67", "ivanov@example.ru", "Москва", "Курьер", "Звонить после 18"],
    ["Петрова Анна", "+7 916 555-44-33", "", "Казань", "Кладовщик", ""],
    ["Сидоров Пётр", "", "sidorov@example.ru", "Тверь", "Водитель", ""],
]


def csv_bytes(headers, rows, *, delimiter=",", encoding="utf-8", leading_blank=0) -> bytes:
    """CSV as Excel writes it: fields quoted only when they must be."""

    def cell(value: str) -> str:
        value = str(value)
        if any(ch in value for ch in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [""] * leading_blank + [delimiter.join(cell(v) for v in row) for row in [headers, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(headers, rows, *, leading_blank=0) -> bytes:
    book = Workbook()
    sheet = book.active
    for _ in range(leading_blank):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_events():
    return InboundEvent.objects.filter(source__kind=Source.Kind.IMPORT)
