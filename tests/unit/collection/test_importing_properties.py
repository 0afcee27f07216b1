"""Property tests of the two importers: any file gives a report, and valid files round-trip."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from proposals.collection.importing import (
    CATEGORY_LABELS,
    COLUMNS,
    MAX_BENEFICIARIES,
    ImportedProposal,
    parse_import,
)
from proposals.collection.models import Category
from proposals.implementation import progress_import
from proposals.implementation.progress_import import (
    MilestoneInfo,
    ProgressRow,
    ProjectInfo,
    parse_progress,
)
from proposals.sheets import SheetError, read_table
from proposals.shortlist.services import COST_MAX

TODAY = date(2027, 9, 1)
LAST = date(2027, 1, 1)
FEW = settings(max_examples=60, deadline=None)
PROJECTS = {i: ProjectInfo(
    i, f"项目{i}", mine=i != 6, manual=i % 2 == 0, last_reported_on=LAST, last_spend=1000,
    milestones=(MilestoneInfo(100 + i, 1, f"节点{i}", done=False),
                MilestoneInfo(200 + i, 2, f"验收{i}", done=i == 5))) for i in range(1, 7)}
HEADERS = [name for c in (*COLUMNS, *progress_import.COLUMNS) for name in (c.header, c.alias)]
CATEGORIES = {**{c.value: c.value for c in Category}, **CATEGORY_LABELS}
CHANNELS = {"12345热线": "hotline", "hotline": "hotline", "走访": "visit", "visit": "visit"}
# The list of places: a community's name or code -> (its name, its street).
COMMUNITIES = {"和平社区": ("和平社区", "长江街道"), "幸福社区": ("幸福社区", "长江街道"),
               "110105001001": ("和平社区", "长江街道"), "光明社区": ("光明社区", "黄河街道")}


def parse_both(data: bytes, filename: str):
    return (parse_import(data, filename, today=TODAY, communities=COMMUNITIES),
            parse_progress(data, filename, today=TODAY, projects=PROJECTS))


def assert_a_sound_report(data: bytes, filename: str, report) -> None:
    """Never ok with errors; every error names row 0 or a row the file has; rows are body rows."""
    assert not (report.ok and report.errors)
    try:
        numbers = [number for number, _ in read_table(data, filename)]
    except SheetError:
        numbers = []
    assert {e.row for e in report.errors} <= {0, *numbers}, (report.errors, numbers)
    assert {r.row for r in report.rows} <= set(numbers[1:])
    assert report.ok or not report.rows or report.errors


# --- any file gives a report ------------------------------------------------------------------

NAMES = st.sampled_from(["records.csv", "RECORDS.CSV", "records.xlsx", "records.txt", ""])
# Cells an official's sheet is made of: headers, codes, numbers, dates, words, CSV syntax.
CELLS = st.one_of(
    st.sampled_from([*HEADERS, *CATEGORIES, *CHANNELS, "网上征集", "2027-03-01", "2027/3/1",
                     "2027-02-30", "2099-01-01", "1,200", "1200.0", "-3", "50%", "#3", "", " ",
                     '"', ",", "\n", "=1+1", "节点3", "1", "3", "6", "１２"]),
    st.from_regex(r"[+-]?[0-9]{1,30}(\.[0-9]{0,3})?", fullmatch=True),
    st.text(max_size=30),
)


@st.composite
def csv_files(draw) -> bytes:
    header = draw(st.lists(st.sampled_from(HEADERS) | CELLS, max_size=10))
    rows = draw(st.lists(st.lists(CELLS, max_size=11), max_size=8))
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    text = draw(st.sampled_from(["", "\ufeff"])) + buffer.getvalue()
    return text.encode(draw(st.sampled_from(["utf-8", "gb18030"])), errors="replace")


@FEW
@given(st.binary(max_size=3000) | csv_files(), NAMES)
def test_any_bytes_give_a_report(data, filename):
    for report in parse_both(data, filename):
        assert_a_sound_report(data, filename, report)


XLSX_VALUES = st.one_of(
    st.none(), CELLS, st.integers(-10**12, 10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32), st.booleans(),
    st.dates(date(1901, 1, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1901, 1, 1), datetime(2100, 1, 1)))


def xlsx_bytes(rows: list[list[object]], *, as_text: bool = True) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            if isinstance(value, str):  # a workbook cannot hold control characters at all
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(number, column, value)
            if as_text and isinstance(value, str):
                cell.data_type = "s"  # "=1+1" is a resident's words, not a formula to run
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(HEADERS) | CELLS, max_size=10),
       st.lists(st.lists(XLSX_VALUES, max_size=10), max_size=6))
def test_any_workbook_gives_a_report(header, rows):
    data = xlsx_bytes([header, *rows])
    for report in parse_both(data, "records.xlsx"):
        assert_a_sound_report(data, "records.xlsx", report)


@settings(max_examples=10, deadline=None)
@example(cell="1" * 4301)
@given(st.from_regex(r"[0-9]{1,5000}", fullmatch=True))
def test_a_cell_of_thousands_of_digits_is_a_row_error(cell):
    proposal = ["t", "d", "other", "s", "c", cell, "hotline", "n"]
    data = "\n".join(["title,description,category,street,community,beneficiaries,channel,"
                      "proposer_name", ",".join(proposal), "project_id,date,note",
                      f"{cell},2027-03-01,x"]).encode()
    for report in parse_both(data, "records.csv"):
        assert_a_sound_report(data, "records.csv", report)


# --- valid files round-trip -------------------------------------------------------------------


def words(max_size: int) -> st.SearchStrategy[str]:
    """Text as a cell keeps it: no control characters, no blank at either end."""
    letters = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn"))
    return st.text(letters, min_size=1, max_size=max_size).filter(lambda s: s == s.strip())


@st.composite
def proposals(draw) -> tuple[list[str], ImportedProposal]:
    """A row as written and the proposal it must give (its row number filled in later)."""
    category, channel = draw(st.sampled_from(sorted(CATEGORIES))), draw(
        st.sampled_from(sorted(CHANNELS)))
    beneficiaries = draw(st.none() | st.integers(0, MAX_BENEFICIARIES))
    received = draw(st.none() | st.dates(date(1901, 1, 1), TODAY))
    written = draw(st.sampled_from(sorted(COMMUNITIES)))  # by name or by code
    community, its_street = COMMUNITIES[written]
    street = draw(st.sampled_from([None, its_street]))  # left empty, or the right one
    values = {"title": draw(words(80)), "description": draw(words(300)),
              "proposer_name": draw(words(60))}
    cells = [values["title"], values["description"], category, street, written,
             beneficiaries, channel, values["proposer_name"], received]
    return cells, ImportedProposal(
        **values, street=street, community=community, category=CATEGORIES[category],
        beneficiaries=beneficiaries, channel=CHANNELS[channel], received_on=received, row=0)


def as_csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
    return buffer.getvalue().encode("utf-8-sig")


def unique_key(item) -> tuple:
    found = item[1]
    return found.title, found.community, found.proposer_name


@FEW
@given(st.lists(proposals(), min_size=1, max_size=5, unique_by=unique_key),
       st.sampled_from(["csv", "xlsx"]), st.booleans())
def test_a_valid_import_file_round_trips(items, kind, english):
    header = [c.alias if english else c.header for c in COLUMNS]
    rows = [header, *(cells for cells, _ in items)]
    data = as_csv(rows) if kind == "csv" else xlsx_bytes(rows)
    report = parse_import(data, f"records.{kind}", today=TODAY, communities=COMMUNITIES)
    assert report.errors == () and report.ok
    expected = [proposal for _, proposal in items]
    assert [r.row for r in report.rows] == list(range(2, len(items) + 2))
    assert [replace(r, row=0) for r in report.rows] == expected


@st.composite
def progress_rows(draw) -> list[tuple[list[object], ProgressRow]]:
    ids = draw(st.lists(st.integers(1, 5), min_size=1, max_size=5, unique=True))
    found = []
    for project_id in ids:
        project = PROJECTS[project_id]
        percent = draw(st.none() | st.integers(0, 100)) if project.manual else None
        milestone = draw(st.sampled_from([None, "1", f"节点{project_id}"]
                                         + ([] if project_id == 5 else ["2"])))
        milestone_id = None if milestone is None else (
            200 + project_id if milestone == "2" else 100 + project_id)
        spend = draw(st.none() | st.integers(1000, COST_MAX))
        day = draw(st.dates(LAST, TODAY))
        note = draw(words(500))
        cells = [draw(st.sampled_from([str(project_id), f"#{project_id}"])), day,
                 None if percent is None else f"{percent}%", milestone, spend, note]
        found.append((cells, ProgressRow(0, project_id, day, percent, milestone_id, spend,
                                         note)))
    return found


@FEW
@given(progress_rows(), st.sampled_from(["csv", "xlsx"]))
def test_a_valid_progress_file_round_trips(items, kind):
    rows = [[c.header for c in progress_import.COLUMNS], *(cells for cells, _ in items)]
    data = as_csv(rows) if kind == "csv" else xlsx_bytes(rows)
    report = parse_progress(data, f"progress.{kind}", today=TODAY, projects=PROJECTS)
    assert report.errors == () and report.ok
    assert [r.row for r in report.rows] == list(range(2, len(items) + 2))
    assert [replace(r, row=0) for r in report.rows] == [row for _, row in items]
