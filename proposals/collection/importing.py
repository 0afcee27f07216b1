"""Parse and validate an officials' bulk import of 12345-hotline and visit records (CSV/XLSX).

The community must be one on the list of places (votes.places), by name or code; its
street and district follow from the record. The street column may be left out or empty;
a street given that is not the community's is the row's error (one of the two is wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals import sheets
from proposals.collection.models import Category, Channel
from proposals.sheets import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_SHOWN,
    Column,
    Parsed,
    RowError,
    SheetError,
    Table,
    parse_date,
    parse_whole_number,
    read_header,
    read_table,
)
from votes.places import Level, Place

__all__ = [
    "CATEGORY_LABELS", "COLUMNS", "MAX_BENEFICIARIES", "MAX_BYTES", "MAX_ROWS", "Column",
    "ImportReport", "ImportedProposal", "RowError", "community_streets", "parse_import",
    "template_csv",
]

MAX_BENEFICIARIES = 10_000_000

COLUMNS: tuple[Column, ...] = (
    Column("title", "标题", "title"),
    Column("description", "描述", "description"),
    Column("category", "类别", "category"),
    Column("street", "街道", "street", required=False),
    Column("community", "社区", "community"),
    Column("beneficiaries", "受益人数", "beneficiaries", required=False),
    Column("channel", "渠道", "channel"),
    Column("proposer_name", "反映人", "proposer_name"),
    Column("received_on", "日期", "date", required=False),
)
_BY_NAME = {column.name: column for column in COLUMNS}

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
    street: str | None  # as the file gives it; the record's street is the proposal's
    community: str  # the community's name as the list of places has it
    beneficiaries: int | None
    channel: str
    proposer_name: str
    received_on: date | None
    row: int


@dataclass(frozen=True)
class ImportReport:
    rows: tuple[ImportedProposal, ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse_import(data: bytes, filename: str, *, today: date,
                 communities: Mapping[str, tuple[str, str]]) -> ImportReport:
    """Validate the whole file and report every problem; the caller imports only if ok.
    `communities` maps a community's name or code to (its name, its street's name), as
    community_streets reads them."""
    try:
        table = read_table(data, filename)
    except SheetError as exc:
        return ImportReport(errors=(exc.error,))
    return _validate(table, today, communities)


def community_streets(session: Session) -> dict[str, tuple[str, str]]:
    """Each community on the list of places by its name and by its code: (name, street)."""
    street = Place.__table__.alias("street")
    found: dict[str, tuple[str, str]] = {}
    for name, code, street_name in session.execute(
            select(Place.name, Place.code, street.c.name)
            .join(street, street.c.id == Place.parent_id)
            .where(Place.level == Level.COMMUNITY.value)):
        found[name] = (name, street_name)
        found.setdefault(code, (name, street_name))
    return found


def template_csv() -> str:
    """The import's header plus one example row (utf-8-sig when served, for Excel)."""
    return sheets.template_csv(COLUMNS, (
        "加装电梯", "多福巷3号楼为六层老楼，住户多为老人，希望加装电梯。", "住房与老旧小区改造",
        "东华门街道", "多福巷社区", "120", "12345热线", "王女士", "2025-03-18"))


# --- validating ------------------------------------------------------------


def _validate(table: Table, today: date,
              communities: Mapping[str, tuple[str, str]]) -> ImportReport:
    if not table:
        return ImportReport(errors=(RowError(0, None, "empty_file"),))
    (header_row, header), body = table[0], table[1:]
    positions, errors = read_header(header_row, header, COLUMNS)
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
        _check_place(number, values, positions, communities, row_errors)
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


def _check_place(number: int, values: dict[str, Any], positions, communities,
                 row_errors: list[RowError]) -> None:
    """The community is one on the list (its name kept); a street given is its street."""
    written = values["community"]
    if not written:
        return
    known = communities.get(written)
    if known is None:
        values["community"] = None
        row_errors.append(RowError(number, positions["community"][1],
                                   "import_unknown_community", {"value": written[:MAX_SHOWN]}))
        return
    values["community"], street = known
    if values.get("street") and values["street"] != street:
        row_errors.append(RowError(number, positions["street"][1], "import_wrong_street",
                                   {"value": values["street"][:MAX_SHOWN],
                                    "community": known[0], "street": street}))


def _parse_value(name: str, text: str, today: date) -> Parsed:
    if not text:
        return None, "required" if _BY_NAME[name].required else None, {}
    shown = {"value": text[:MAX_SHOWN]}
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
    return parse_date(text, today, shown)


def _parse_count(text: str, shown: dict[str, Any]) -> Parsed:
    return parse_whole_number(text, MAX_BENEFICIARIES, shown)


