"""Parse and check an official's bulk progress update (CSV/XLSX) against the projects it names."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# The file reading (size, encodings, XLSX, blank rows) is shared with the proposal import,
# so both accept and refuse the same files.
from proposals import sheets
from proposals.sheets import (
    INTEGER,
    MAX_SHOWN,
    Column,
    RowError,
    SheetError,
    parse_date,
    parse_whole_number,
    read_header,
    read_table,
)
from proposals.shortlist.services import COST_MAX

__all__ = ["COLUMNS", "NOTE_MAX", "MilestoneInfo", "ProgressRow", "ProjectInfo", "RowError",
           "UpdateReport", "parse_progress", "template_csv"]

NOTE_MAX = 500


COLUMNS: tuple[Column, ...] = (
    Column("project_id", "项目编号", "project_id"),
    Column("reported_on", "日期", "date"),
    Column("percent", "进度", "percent", required=False),
    Column("milestone", "里程碑", "milestone", required=False),
    Column("spend_to_date", "累计支出", "spend_to_date", required=False),
    Column("note", "说明", "note"),
)
_BY_NAME = {c.name: c for c in COLUMNS}
_PERCENT = re.compile(r"([+-]?\d{1,6})(?:\.0*)?\s*[%％]?")


@dataclass(frozen=True)
class MilestoneInfo:
    id: int
    position: int
    title: str
    done: bool


@dataclass(frozen=True)
class ProjectInfo:
    """What the checks need to know of a project, read from the database by the caller."""

    id: int
    title: str
    mine: bool  # the official may report on it (responsible unit or lead)
    manual: bool  # progress is reported as a percentage
    milestones: tuple[MilestoneInfo, ...] = ()
    last_reported_on: date | None = None
    last_spend: int | None = None
    budget: int | None = None  # spend to date above it is refused: a file cannot confirm it


@dataclass(frozen=True)
class ProgressRow:
    row: int
    project_id: int
    reported_on: date
    percent: int | None
    milestone_id: int | None
    spend_to_date: int | None
    note: str


@dataclass(frozen=True)
class UpdateReport:
    rows: tuple[ProgressRow, ...] = ()
    errors: tuple[RowError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def parse_progress(data: bytes, filename: str, *, today: date,
                   projects: Mapping[int, ProjectInfo]) -> UpdateReport:
    """Check the whole file and report every problem; the caller applies it only if ok."""
    try:
        table = read_table(data, filename)
    except SheetError as exc:
        return UpdateReport(errors=(exc.error,))
    if not table:
        return UpdateReport(errors=(RowError(0, None, "empty_file"),))
    (header_row, header), body = table[0], table[1:]
    positions, errors = read_header(header_row, header, COLUMNS)
    if not body:
        errors.append(RowError(0, None, "empty_file"))
    complete = all(c.name in positions for c in COLUMNS if c.required)
    first_seen: dict[int, int] = {}
    rows: list[ProgressRow] = []
    for number, cells in body:
        found: list[RowError] = []
        values: dict[str, Any] = dict.fromkeys(_BY_NAME)
        for name, (index, written) in positions.items():
            text = cells[index] if index < len(cells) else ""
            if not text:
                if _BY_NAME[name].required:
                    found.append(RowError(number, written, "required"))
                continue
            value, code, params = _PARSERS[name](text, today)
            if code:
                found.append(RowError(number, written, code, params))
            values[name] = value
        project = _check_project(number, values, positions, projects, first_seen, found)
        milestone_id = None
        if project is not None:
            milestone_id = _check_against(number, values, positions, project, found)
        errors.extend(found)
        if complete and not found:
            rows.append(ProgressRow(
                row=number, project_id=values["project_id"], reported_on=values["reported_on"],
                percent=values["percent"], milestone_id=milestone_id,
                spend_to_date=values["spend_to_date"], note=values["note"]))
    return UpdateReport(rows=tuple(rows), errors=tuple(errors))


def template_csv() -> str:
    """A header plus one example row; serve it as utf-8-sig so Excel shows the Chinese."""
    return sheets.template_csv(COLUMNS, ("12", "2027-06-30", "", "2", "1500000",
                                           "主体结构完工，进入设备安装。"))


def _check_project(number: int, values: dict[str, Any], positions: dict,
                   projects: Mapping[int, ProjectInfo], first_seen: dict[int, int],
                   found: list[RowError]) -> ProjectInfo | None:
    project_id = values["project_id"]
    if project_id is None:
        return None
    written = positions["project_id"][1]
    project = projects.get(project_id)
    if project is None:
        found.append(RowError(number, written, "unknown_project", {"value": project_id}))
        return None
    if not project.mine:
        found.append(RowError(number, written, "not_your_project", {"value": project_id}))
        return None
    # One report per project per file: two would race on dates, spend and milestones.
    if project_id in first_seen:
        found.append(RowError(number, written, "duplicate_row",
                              {"first_row": first_seen[project_id]}))
        return None
    first_seen[project_id] = number
    return project


def _check_against(number: int, values: dict[str, Any], positions: dict,
                   project: ProjectInfo, found: list[RowError]) -> int | None:
    """The row's values against the project's state; returns the milestone reached, if any."""
    def column(name: str) -> str:
        return positions[name][1]

    day = values["reported_on"]
    if day is not None and project.last_reported_on and day < project.last_reported_on:
        found.append(RowError(number, column("reported_on"), "before_last_report",
                              {"last": project.last_reported_on.isoformat()}))
    if values["percent"] is not None and not project.manual:
        found.append(RowError(number, column("percent"), "percent_not_manual"))
    spend = values["spend_to_date"]
    if spend is not None and project.last_spend is not None and spend < project.last_spend:
        found.append(RowError(number, column("spend_to_date"), "spend_decreased",
                              {"last": project.last_spend}))
    if spend is not None and project.budget is not None and spend > project.budget:
        found.append(RowError(number, column("spend_to_date"), "spend_over_budget",
                              {"budget": project.budget}))
    wanted = values["milestone"]
    if wanted is None:
        return None
    by_position = wanted.isascii() and wanted.isdigit()  # "²" is a digit int() refuses
    match = next((m for m in project.milestones
                  if (by_position and m.position == int(wanted)) or m.title == wanted), None)
    if match is None:
        found.append(RowError(number, column("milestone"), "unknown_milestone",
                              {"value": wanted[:MAX_SHOWN]}))
        return None
    if match.done:
        found.append(RowError(number, column("milestone"), "milestone_done",
                              {"value": match.title}))
        return None
    return match.id


def _parse_id(text: str, _today: date) -> tuple[Any, str | None, dict]:
    cleaned = text.lstrip("#№").strip()
    digits = cleaned.split(".")[0].lstrip("0") or "0"
    # No id has more than 19 digits; int() would refuse 4,300 of them with an exception.
    if not INTEGER.fullmatch(cleaned) or cleaned.startswith(("-", "+")) or len(digits) > 19:
        return None, "bad_number", {"value": text[:MAX_SHOWN]}
    return int(digits), None, {}


def _parse_day(text: str, today: date) -> tuple[Any, str | None, dict]:
    return parse_date(text, today, {"value": text[:MAX_SHOWN]})


def _parse_percent(text: str, _today: date) -> tuple[Any, str | None, dict]:
    match = _PERCENT.fullmatch(text)
    if match is None:
        return None, "bad_number", {"value": text[:MAX_SHOWN]}
    value = int(match.group(1))
    if not 0 <= value <= 100:
        return None, "percent_range", {"value": text[:MAX_SHOWN]}
    return value, None, {}


def _parse_spend(text: str, _today: date) -> tuple[Any, str | None, dict]:
    return parse_whole_number(text, COST_MAX, {"value": text[:MAX_SHOWN]})


def _parse_milestone(text: str, _today: date) -> tuple[Any, str | None, dict]:
    return text.strip(), None, {}


def _parse_note(text: str, _today: date) -> tuple[Any, str | None, dict]:
    if len(text) > NOTE_MAX:
        return None, "too_long", {"max": NOTE_MAX, "length": len(text)}
    return text, None, {}


_PARSERS = {
    "project_id": _parse_id,
    "reported_on": _parse_day,
    "percent": _parse_percent,
    "milestone": _parse_milestone,
    "spend_to_date": _parse_spend,
    "note": _parse_note,
}
