"""A spreadsheet file as rows of text: CSV in the encodings Russian users have (UTF-8, with or without BOM, cp1251,
Excel's UTF-16 "Unicode text") with any of , ; tab, or XLSX read as a stream.

Everything here works on bytes and raises ImportFileError with a message a recruiter can act on.
"""

import csv
import datetime
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # one synchronous request; the management command may take more
MAX_COLUMNS = 200
MAX_CELL = 2_000
_DELIMITERS = (",", ";", "\t")
_HEADER_SEARCH = 10  # a title line or two above the header is common in exports


class ImportFileError(ValueError):
    """The file cannot be imported as it is; the message says why."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number as the user sees it, cells)
    kind: str = "csv"  # csv | xlsx
    encoding: str = ""
    delimiter: str = ""


def table_read(content: bytes, *, max_rows: int | None = MAX_ROWS, header_score=None) -> Table:
    """Read a CSV or an XLSX file (told apart by content, not by name).

    ``header_score(cells) -> int`` says how header-like a row is; the best of the first rows is the header.
    """
    if not content or not content.strip():
        raise ImportFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)s MB. Split it into smaller files.")
                              % {"mb": MAX_BYTES // (1024 * 1024)})
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel file (.xls). Save it as .xlsx or .csv and upload it again."))
    if content.startswith(b"PK\x03\x04"):
        lines, kind, encoding, delimiter = _xlsx_lines(content, max_rows), "xlsx", "", ""
    else:
        text, encoding = _decode(content)
        delimiter = _delimiter_guess(text)
        lines, kind = _csv_lines(text, delimiter, max_rows), "csv"
    return _table_from(lines, kind=kind, encoding=encoding, delimiter=delimiter, max_rows=max_rows,
                       header_score=header_score)


def _decode(content: bytes) -> tuple[str, str]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    elif content.startswith(b"\xef\xbb\xbf"):
        try:
            return content.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This does not look like a CSV or XLSX file."))
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # What Russian Excel writes for "CSV (разделители — точка с запятой)".
        return content.decode("cp1251"), "cp1251"
    except UnicodeDecodeError:
        raise ImportFileError(_("The file's text encoding is not recognised: save it as CSV UTF-8.")) from None


def _delimiter_guess(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, the same number on most lines."""
    sample = [line for line in text[:64 * 1024].splitlines()[:50] if line.strip()]
    if not sample:
        return ","
    best, best_score = ",", (0.0, 0)
    for delimiter in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        except csv.Error:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        score = (count / len(widths), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_lines(text: str, delimiter: str, max_rows: int | None):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file is malformed near line %(line)s: %(error)s")
                              % {"line": reader.line_num, "error": exc}) from None


def _xlsx_lines(content: bytes, max_rows: int | None):
    from openpyxl import load_workbook  # a few hundred ms to import: only when an XLSX comes

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s") % {"error": exc}) from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends on odd files
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s") % {"error": exc}) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in values]
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(_("The XLSX file cannot be read: %(error)s") % {"error": exc}) from None
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone typed into a number cell: 79991234567.0
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean(cells: list) -> list[str]:
    return [str(c).replace("\x00", "").strip()[:MAX_CELL] for c in cells[:MAX_COLUMNS]]


def _table_from(lines, *, kind: str, encoding: str, delimiter: str, max_rows: int | None, header_score) -> Table:
    lines = iter(lines)
    leading: list[tuple[int, list[str]]] = []
    for number, cells in lines:
        cells = _clean(cells)
        if any(cells):
            leading.append((number, cells))
            if len(leading) >= _HEADER_SEARCH:
                break
    if not leading:
        raise ImportFileError(_("The file has no rows."))
    header_at = 0
    if header_score is not None:
        scores = [header_score(cells) for _n, cells in leading]
        header_at = max(range(len(scores)), key=lambda i: (scores[i], -i))
    headers = leading[header_at][1]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(_("The header row is empty."))
    table = Table(headers=[h or _("Column %(n)s") % {"n": i + 1} for i, h in enumerate(headers)], kind=kind,
                  encoding=encoding, delimiter=delimiter)
    width = len(headers)

    def rest():
        yield from leading[header_at + 1:]
        for number, cells in lines:
            yield number, _clean(cells)

    for number, cells in rest():
        if not any(cells):
            continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise ImportFileError(_("The file has more than %(n)s rows. Split it into smaller files.")
                                  % {"n": max_rows})
        cells = (cells + [""] * width)[:width] if len(cells) != width else cells
        table.rows.append((number, cells))
    if not table.rows:
        raise ImportFileError(_("The file has a header but no data rows."))
    return table
