"""Spreadsheets in and out, shared by every importer and export: reading a CSV/XLSX upload
as checked rows, its header, whole numbers and dates as officials type them, a template,
and cells a spreadsheet program would run as formulas made inert."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Blank rows do not count towards MAX_ROWS, but each one still costs a parse;
# this bounds the work a sheet of a million empty (or formatted-only) rows causes.
_MAX_SCANNED_ROWS = MAX_ROWS * 10
# Echoed cell values are cut so one pasted essay cannot flood the error report.
MAX_SHOWN = 50
_ZIP_MAGIC = b"PK\x03\x04"
# Text files never contain these; a decoded "CSV" full of them is a binary file.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Chinese Excel writes dates into CSV as 2025/3/1; hotline exports add a time.
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+)?")
INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")

# A parsed cell: (value, error code or None, error params).
Parsed = tuple[Any, str | None, dict[str, Any]]
# Rows as read: the 1-based row number as Excel shows it, and the cells' text.
Table = list[tuple[int, list[str]]]

# Spreadsheet programs run cells starting with these as formulas (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A resident's words starting with = or @ stay words in Excel: a leading ' shows them."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    name: str  # the ImportedProposal attribute
    header: str  # Chinese header: the template's, and the one named when it is missing
    alias: str  # English header, accepted case-insensitively
    required: bool = True  # the column must exist and every row must fill it


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in Excel (header = 1); 0 for the file as a whole
    column: str | None  # the header as written in the file
    code: str
    # Kept out of the hash so the error stays hashable despite the dict.
    params: dict[str, Any] = field(default_factory=dict, hash=False)


class SheetError(Exception):
    """Raised while reading when the file as a whole is unusable."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.error = RowError(0, None, code, params)


def template_csv(columns: tuple[Column, ...], example: tuple[str, ...]) -> str:
    """A header plus one example row; serve it encoded as utf-8-sig so Excel shows Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    writer.writerow(example)
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > MAX_BYTES:
        raise SheetError("file_too_large", max=MAX_BYTES, size=len(data))
    extension = PurePath(filename or "").suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise SheetError("not_a_spreadsheet", extension=extension)
    if not data:
        raise SheetError("empty_file")
    return _csv_rows(data) if extension == ".csv" else _xlsx_rows(data)


def _csv_rows(data: bytes) -> Table:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export; naming it keeps the fix obvious to the user.
        raise SheetError("bad_encoding", encoding="utf-16")
    if data.startswith(_ZIP_MAGIC) or b"\x00" in data:
        raise SheetError("not_a_spreadsheet", extension=".csv")
    text = _decode(data)
    if _CONTROL_CHARS.search(text):
        raise SheetError("not_a_spreadsheet", extension=".csv")
    try:
        return _collect(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise SheetError("not_a_spreadsheet", extension=".csv", reason=str(exc)) from exc


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel in mainland China saves "CSV" in the ANSI code page (GBK);
        # GB18030 is its superset and decodes every GBK file.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("bad_encoding") from None


def _xlsx_rows(data: bytes) -> Table:
    if not data.startswith(_ZIP_MAGIC):
        raise SheetError("not_a_spreadsheet", extension=".xlsx")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; not the user's concern.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                # Some generators write a wrong <dimension>; trust the rows instead.
                sheet.reset_dimensions()
                return _collect(sheet.iter_rows(values_only=True))
            finally:
                workbook.close()
    except SheetError:
        raise
    except Exception as exc:  # a damaged zip/XML surfaces as any of a dozen exception types
        raise SheetError("not_a_spreadsheet", extension=".xlsx") from exc


def _collect(records: Iterable[Iterable[object]]) -> Table:
    """Non-blank rows with their 1-based row numbers, header included."""
    table: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        if number > _MAX_SCANNED_ROWS:
            raise SheetError("too_many_rows", max=MAX_ROWS)
        cells = [_cell_text(value) for value in record]
        if any(cells):
            if len(table) > MAX_ROWS:  # header plus MAX_ROWS rows already read
                raise SheetError("too_many_rows", max=MAX_ROWS)
            table.append((number, cells))
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores every number as a float: 1200.0 means 1200
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_header(
    row: int, header: list[str], columns: tuple[Column, ...]
) -> tuple[dict[str, tuple[int, str]], list[RowError]]:
    """Map each known column to its position and the header as written (any importer's)."""
    by_header = {key: c for c in columns for key in (c.header, c.alias.lower())}
    positions: dict[str, tuple[int, str]] = {}
    errors: list[RowError] = []
    for index, written in enumerate(header):
        if not written:
            continue
        # Templates often mark required columns with an asterisk: "*标题".
        column = by_header.get(written.strip("*＊ ").lower())
        if column is None:
            errors.append(RowError(row, written, "unknown_column"))
        elif column.name in positions:
            errors.append(RowError(row, written, "duplicate_column",
                                   {"first": positions[column.name][1]}))
        else:
            positions[column.name] = (index, written)
    for column in columns:
        if column.required and column.name not in positions:
            errors.append(RowError(row, column.header, "missing_column", {"alias": column.alias}))
    return positions, errors


@dataclass
class Sheet:
    """A sheet read whole: each row's number (as Excel shows it) and its cells by column
    name, the header as written per column, and the problems of the file as a whole."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    positions: dict[str, tuple[int, str]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def read_sheet(data: bytes, filename: str, columns: tuple[Column, ...]) -> Sheet:
    """The file, its header and its rows (at most MAX_ROWS), each cell's text stripped;
    `errors` says why there are no rows when there are none."""
    sheet = Sheet()
    try:
        table = read_table(data, filename)
    except SheetError as error:
        sheet.errors.append(error.error)
        return sheet
    if not table:
        sheet.errors.append(RowError(0, None, "empty_file"))
        return sheet
    header_row, header = table[0]
    sheet.positions, sheet.errors = read_header(header_row, header, columns)
    if sheet.errors:
        return sheet
    body = table[1:]
    if not body:
        sheet.errors.append(RowError(0, None, "empty_file"))
    elif len(body) > MAX_ROWS:
        sheet.errors.append(RowError(0, None, "too_many_rows", {"max": MAX_ROWS}))
    else:
        sheet.rows = [(number, {name: (cells[i] if i < len(cells) else "").strip()
                                for name, (i, _written) in sheet.positions.items()})
                      for number, cells in body]
    return sheet


# --- values ----------------------------------------------------------------


def parse_whole_number(text: str, maximum: int, shown: dict[str, Any]) -> Parsed:
    """A count or an amount as a spreadsheet writes it: "1,200" and "1200.0" are 1200."""
    if _THOUSANDS.fullmatch(text):  # thousands separators, as Excel shows them in a CSV
        text = text.replace(",", "")
    if not INTEGER.fullmatch(text):
        return None, "bad_number", shown
    digits = text.split(".")[0].lstrip("+")
    if len(digits.lstrip("-").lstrip("0")) > len(str(maximum)):  # int() refuses 4,300+ digits
        return (None, "negative_number", shown) if digits.startswith("-") else (
            None, "too_large", {"max": maximum, **shown})
    number = int(digits)
    if number < 0:
        return None, "negative_number", shown
    if number > maximum:
        return None, "too_large", {"max": maximum, **shown}
    return number, None, {}


def parse_date(text: str, today: date, shown: dict[str, Any]) -> Parsed:
    """A day as officials write it (2025-03-01, 2025/3/1, with or without a time); not
    after `today`, since what was heard or done cannot be in the future."""
    match = _DATE.fullmatch(text)
    try:
        day = date(*(int(part) for part in match.groups())) if match else None
    except ValueError:  # 2025-02-30
        day = None
    if day is None:
        return None, "bad_date", shown
    if day > today:
        return None, "future_date", {"today": today.isoformat(), **shown}
    return day, None, {}
