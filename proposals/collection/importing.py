"""Parse and validate an officials' bulk import of 12345-hotline and visit records (CSV/XLSX)."""

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

from proposals.collection.models import Category, Channel

__all__ = [
    "CATEGORY_LABELS", "COLUMNS", "MAX_BENEFICIARIES", "MAX_BYTES", "MAX_ROWS", "Column",
    "ImportReport", "ImportedProposal", "RowError", "parse_import", "template_csv",
]

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
MAX_BENEFICIARIES = 10_000_000
# Blank rows do not count towards MAX_ROWS, but each one still costs a parse;
# this bounds the work a sheet of a million empty (or formatted-only) rows causes.
_MAX_SCANNED_ROWS = MAX_ROWS * 10
# Echoed cell values are cut so one pasted essay cannot flood the error report.
_MAX_SHOWN = 50
_ZIP_MAGIC = b"PK\x03\x04"
# Text files never contain these; a decoded "CSV" full of them is a binary file.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Chinese Excel writes dates into CSV as 2025/3/1; hotline exports add a time.
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+)?")
_INTEGER = re.compile(r"[+-]?\d+(?:\.0*)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")

# A parsed cell: (value, error code or None, error params).
_Parsed = tuple[Any, str | None, dict[str, Any]]


@dataclass(frozen=True)
class Column:
    name: str  # the ImportedProposal attribute
    header: str  # Chinese header: the template's, and the one named when it is missing
    alias: str  # English header, accepted case-insensitively
    required: bool = True  # the column must exist and every row must fill it


COLUMNS: tuple[Column, ...] = (
    Column("title", "标题", "title"),
    Column("description", "描述", "description"),
    Column("category", "类别", "category"),
    Column("street", "街道", "street"),
    Column("community", "社区", "community"),
    Column("beneficiaries", "受益人数", "beneficiaries", required=False),
    Column("channel", "渠道", "channel"),
    Column("proposer_name", "反映人", "proposer_name"),
    Column("received_on", "日期", "date", required=False),
)
_BY_NAME = {column.name: column for column in COLUMNS}
_BY_HEADER = {key: c for c in COLUMNS for key in (c.header, c.alias.lower())}

# Mirrors the proposals table (String(80), ...) so an accepted file never fails at INSERT.
_MAX_LENGTHS = {"title": 80, "description": 2000, "street": 40, "community": 40,
                "proposer_name": 60}

CATEGORY_LABELS: dict[str, str] = {
    "教育": Category.EDUCATION.value,
    "医疗卫生": Category.HEALTH.value,
    "养老服务": Category.ELDERLY_CARE.value,
    "交通出行": Category.TRANSPORT.value,
    "生态环境": Category.ENVIRONMENT.value,
    "住房与老旧小区改造": Category.HOUSING.value,
    "文化体育": Category.CULTURE_SPORTS.value,
    "就业创业": Category.EMPLOYMENT.value,
    "食品安全": Category.FOOD_SAFETY.value,
    "公共安全": Category.PUBLIC_SAFETY.value,
    "其他": Category.OTHER.value,
}
_CATEGORIES = {**{c.value: c.value for c in Category}, **CATEGORY_LABELS}

# Only channels where an official speaks for a resident are importable; online
# proposals and liaison-station records come in through their own screens.
_CHANNELS = {
    Channel.HOTLINE.value: Channel.HOTLINE.value,
    "12345": Channel.HOTLINE.value,
    "12345热线": Channel.HOTLINE.value,
    "热线": Channel.HOTLINE.value,
    Channel.VISIT.value: Channel.VISIT.value,
    "走访": Channel.VISIT.value,
}
_NOT_IMPORTABLE = {Channel.ONLINE.value, Channel.LIAISON_STATION.value, "网上征集", "代表联络站",
                   "联络站"}


@dataclass(frozen=True)
class ImportedProposal:
    title: str
    description: str
    category: str
    street: str
    community: str
    beneficiaries: int | None
    channel: str
    proposer_name: str
    received_on: date | None
    row: int


@dataclass(frozen=True)
class RowError:
    row: int  # as the user sees it in Excel (header = 1); 0 for the file as a whole
    column: str | None  # the header as written in the file
    code: str
    # Kept out of the hash so the error stays hashable despite the dict.
    params: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[ImportedProposal, ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class _FileError(Exception):
    """Raised while reading when the file as a whole is unusable."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.error = RowError(0, None, code, params)


def parse_import(data: bytes, filename: str, *, today: date) -> ImportReport:
    """Validate the whole file and report every problem; the caller imports only if ok."""
    try:
        table = _read_table(data, filename)
    except _FileError as exc:
        return ImportReport(errors=(exc.error,))
    return _validate(table, today)


def template_csv(columns: tuple[Column, ...] = COLUMNS,
                 example: tuple[str, ...] | None = None) -> str:
    """A header plus one example row; serve it encoded as utf-8-sig so Excel shows Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    writer.writerow(example or ("加装电梯", "多福巷3号楼为六层老楼，住户多为老人，希望加装电梯。",
                                "住房与老旧小区改造", "东华门街道", "多福巷社区", "120",
                                "12345热线", "王女士", "2025-03-18"))
    return buffer.getvalue()


# --- reading ---------------------------------------------------------------


def _read_table(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    if len(data) > MAX_BYTES:
        raise _FileError("file_too_large", max=MAX_BYTES, size=len(data))
    extension = PurePath(filename or "").suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise _FileError("not_a_spreadsheet", extension=extension)
    if not data:
        raise _FileError("empty_file")
    return _csv_rows(data) if extension == ".csv" else _xlsx_rows(data)


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export; naming it keeps the fix obvious to the user.
        raise _FileError("bad_encoding", encoding="utf-16")
    if data.startswith(_ZIP_MAGIC) or b"\x00" in data:
        raise _FileError("not_a_spreadsheet", extension=".csv")
    text = _decode(data)
    if _CONTROL_CHARS.search(text):
        raise _FileError("not_a_spreadsheet", extension=".csv")
    try:
        return _collect(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _FileError("not_a_spreadsheet", extension=".csv", reason=str(exc)) from exc


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
        raise _FileError("bad_encoding") from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if not data.startswith(_ZIP_MAGIC):
        raise _FileError("not_a_spreadsheet", extension=".xlsx")
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
    except _FileError:
        raise
    except Exception as exc:  # a damaged zip/XML surfaces as any of a dozen exception types
        raise _FileError("not_a_spreadsheet", extension=".xlsx") from exc


def _collect(records: Iterable[Iterable[object]]) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their 1-based row numbers, header included."""
    table: list[tuple[int, list[str]]] = []
    for number, record in enumerate(records, start=1):
        if number > _MAX_SCANNED_ROWS:
            raise _FileError("too_many_rows", max=MAX_ROWS)
        cells = [_cell_text(value) for value in record]
        if any(cells):
            if len(table) > MAX_ROWS:  # header plus MAX_ROWS rows already read
                raise _FileError("too_many_rows", max=MAX_ROWS)
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


# --- validating ------------------------------------------------------------


def _validate(table: list[tuple[int, list[str]]], today: date) -> ImportReport:
    if not table:
        return ImportReport(errors=(RowError(0, None, "empty_file"),))
    (header_row, header), body = table[0], table[1:]
    positions, errors = read_header(header_row, header)
    if not body:
        errors.append(RowError(0, None, "empty_file"))
    complete = all(c.name in positions for c in COLUMNS if c.required)
    reported_unnamed: set[int] = set()
    first_seen: dict[tuple[str, str, str], int] = {}
    rows: list[ImportedProposal] = []
    for number, cells in body:
        row_errors: list[RowError] = []
        for index, text in enumerate(cells):
            if text and (index >= len(header) or not header[index]):
                if index not in reported_unnamed:  # once per column is enough to find it
                    reported_unnamed.add(index)
                    row_errors.append(RowError(number, None, "unnamed_column",
                                               {"position": index + 1}))
        values: dict[str, Any] = dict.fromkeys(_BY_NAME)
        for name, (index, written) in positions.items():
            text = cells[index] if index < len(cells) else ""
            value, code, params = _parse_value(name, text, today)
            if code:
                row_errors.append(RowError(number, written, code, params))
            values[name] = value
        key = (values["title"], values["community"], values["proposer_name"])
        if all(key):
            if key in first_seen:
                row_errors.append(RowError(number, None, "duplicate_row",
                                           {"first_row": first_seen[key]}))
            else:
                first_seen[key] = number
        errors.extend(row_errors)
        if complete and not row_errors:
            rows.append(ImportedProposal(row=number, **values))
    return ImportReport(rows=tuple(rows), errors=tuple(errors))


def read_header(
    row: int, header: list[str], columns: tuple[Column, ...] = COLUMNS
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


def _parse_value(name: str, text: str, today: date) -> _Parsed:
    if not text:
        return None, "required" if _BY_NAME[name].required else None, {}
    shown = {"value": text[:_MAX_SHOWN]}
    if name in _MAX_LENGTHS:
        limit = _MAX_LENGTHS[name]
        if len(text) > limit:
            return None, "too_long", {"max": limit, "length": len(text)}
        return text, None, {}
    if name == "category":
        category = _CATEGORIES.get(text) or _CATEGORIES.get(text.lower())
        return (category, None, {}) if category else (None, "unknown_category", shown)
    if name == "channel":
        key = "".join(text.split()).lower()  # "12345 热线" and "12345热线" alike
        if key in _NOT_IMPORTABLE:
            return None, "channel_not_importable", shown
        channel = _CHANNELS.get(key)
        return (channel, None, {}) if channel else (None, "unknown_channel", shown)
    if name == "beneficiaries":
        return _parse_count(text, shown)
    return _parse_date(text, today, shown)


def parse_whole_number(text: str, maximum: int, shown: dict[str, Any]) -> _Parsed:
    """A count or an amount as a spreadsheet writes it: "1,200" and "1200.0" are 1200."""
    if _THOUSANDS.fullmatch(text):  # thousands separators, as Excel shows them in a CSV
        text = text.replace(",", "")
    if not _INTEGER.fullmatch(text):
        return None, "bad_number", shown
    number = int(text.split(".")[0])
    if number < 0:
        return None, "negative_number", shown
    if number > maximum:
        return None, "too_large", {"max": maximum, **shown}
    return number, None, {}


def _parse_count(text: str, shown: dict[str, Any]) -> _Parsed:
    return parse_whole_number(text, MAX_BENEFICIARIES, shown)


def _parse_date(text: str, today: date, shown: dict[str, Any]) -> _Parsed:
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
