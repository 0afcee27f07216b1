"""The bulk progress update: every row checked against its project before anything applies."""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from proposals.implementation.progress_import import (
    MilestoneInfo,
    ProgressRow,
    ProjectInfo,
    parse_progress,
    template_csv,
)

TODAY = date(2027, 7, 1)
HEADER = "项目编号,日期,进度,里程碑,累计支出,说明"
PROJECTS = {
    1: ProjectInfo(id=1, title="加装电梯", mine=True, manual=False,
                   milestones=(MilestoneInfo(11, 1, "完成设计", True),
                               MilestoneInfo(12, 2, "主体施工", False),
                               MilestoneInfo(13, 3, "竣工验收", False)),
                   last_reported_on=date(2027, 6, 1), last_spend=1_000_000),
    2: ProjectInfo(id=2, title="社区食堂", mine=True, manual=True),
    3: ProjectInfo(id=3, title="别的单位的项目", mine=False, manual=False),
}


def parse(text: str, filename: str = "update.csv", projects=PROJECTS):
    return parse_progress(text.encode("utf-8"), filename, today=TODAY, projects=projects)


def codes(report):
    return [(e.row, e.code) for e in report.errors]


def test_good_rows_become_updates_with_the_milestone_resolved():
    report = parse(f"{HEADER}\n1,2027-06-30,,2,\"1,500,000\",主体结构完工\n"
                   "2,2027/6/28,45%,,,食堂装修过半，按工程量估算\n")
    assert report.ok and report.errors == ()
    assert report.rows == (
        ProgressRow(row=2, project_id=1, reported_on=date(2027, 6, 30), percent=None,
                    milestone_id=12, spend_to_date=1_500_000, note="主体结构完工"),
        ProgressRow(row=3, project_id=2, reported_on=date(2027, 6, 28), percent=45,
                    milestone_id=None, spend_to_date=None, note="食堂装修过半，按工程量估算"),
    )


def test_a_milestone_is_found_by_its_title_too_and_english_headers_work():
    report = parse("Project_ID,Date,Percent,Milestone,Spend_to_date,Note\n"
                   "1,2027-06-30,,竣工验收,,全部完工\n")
    assert report.ok and report.rows[0].milestone_id == 13


@pytest.mark.parametrize(("row", "code"), [
    ("9,2027-06-30,,,,说明", "unknown_project"),
    ("3,2027-06-30,,,,说明", "not_your_project"),
    ("x,2027-06-30,,,,说明", "bad_number"),
    ("2,2027-06-30,101,,,说明", "percent_range"),
    ("2,2027-06-30,-5,,,说明", "percent_range"),
    ("2,2027-06-30,half,,,说明", "bad_number"),
    ("1,2027-06-30,50,,,说明", "percent_not_manual"),
    ("1,2027-07-02,,,,说明", "future_date"),
    ("1,2027-05-31,,,,说明", "before_last_report"),
    ("1,2027-02-30,,,,说明", "bad_date"),
    ("1,2027-06-30,,,lots,说明", "bad_number"),
    ("1,2027-06-30,,,-1,说明", "negative_number"),
    ("1,2027-06-30,,,999999,说明", "spend_decreased"),
    ("1,2027-06-30,,9,,说明", "unknown_milestone"),
    ("1,2027-06-30,,完成设计,,说明", "milestone_done"),
    ("1,2027-06-30,,,,", "required"),
    ("1,,,,,说明", "required"),
    ("1,2027-06-30,,,," + "长" * 501, "too_long"),
])
def test_each_bad_value_is_named_with_its_row(row, code):
    report = parse(f"{HEADER}\n{row}\n")
    assert codes(report) == [(2, code)]
    assert report.rows == () and not report.ok


def test_every_problem_of_the_file_is_reported_at_once_and_good_rows_are_not_enough():
    report = parse(f"{HEADER}\n1,2027-06-30,,2,,好的一行\n9,2027-06-30,,,,未知项目\n"
                   "2,2027-08-01,50,,,未来\n")
    assert codes(report) == [(3, "unknown_project"), (4, "future_date")]
    assert not report.ok  # the good row is not applied alone


def test_a_project_twice_in_one_file_is_a_duplicate():
    report = parse(f"{HEADER}\n1,2027-06-30,,2,,一\n1,2027-06-30,,3,,二\n")
    assert codes(report) == [(3, "duplicate_row")]
    assert report.errors[0].params == {"first_row": 2}


def test_missing_and_unknown_columns_are_reported_on_the_header():
    report = parse("项目编号,说明,颜色\n1,好\n")
    assert ("颜色", "unknown_column") in [(e.column, e.code) for e in report.errors]
    assert ("日期", "missing_column") in [(e.column, e.code) for e in report.errors]
    assert not report.ok


@pytest.mark.parametrize(("data", "filename", "code"), [
    (b"", "update.csv", "empty_file"),
    (HEADER.encode(), "update.csv", "empty_file"),
    (b"x", "update.txt", "not_a_spreadsheet"),
    (b"\xff\xfeabc", "update.csv", "bad_encoding"),
])
def test_unusable_files_are_refused_whole(data, filename, code):
    report = parse_progress(data, filename, today=TODAY, projects=PROJECTS)
    assert code in [e.code for e in report.errors] and not report.ok


def test_an_excel_file_and_a_gbk_csv_are_read_alike():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([1, date(2027, 6, 30), None, 2, 1500000.0, "主体结构完工"])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = parse_progress(buffer.getvalue(), "update.xlsx", today=TODAY, projects=PROJECTS)
    gbk = parse_progress(f"{HEADER}\n1,2027-06-30,,2,1500000,主体结构完工\n".encode("gbk"),
                         "update.csv", today=TODAY, projects=PROJECTS)
    assert xlsx.ok and gbk.ok
    assert xlsx.rows[0].spend_to_date == gbk.rows[0].spend_to_date == 1_500_000


def test_the_template_parses_once_its_example_project_exists():
    example = ProjectInfo(id=12, title="示例", mine=True, manual=False,
                          milestones=(MilestoneInfo(5, 2, "主体施工", False),))
    report = parse_progress(template_csv().encode("utf-8-sig"), "t.csv", today=TODAY,
                            projects={12: example})
    assert report.ok and report.rows[0].milestone_id == 5
