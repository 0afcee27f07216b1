"""The spreadsheet reading both importers share: one date parser, one number parser, one reader."""

from datetime import date

import pytest

from proposals.collection.importing import parse_import
from proposals.collection.importing import template_csv as proposal_template
from proposals.implementation.progress_import import MilestoneInfo, ProjectInfo, parse_progress
from proposals.implementation.progress_import import template_csv as progress_template
from proposals.sheets import Column, parse_date, parse_whole_number, read_header, template_csv

TODAY = date(2027, 7, 1)
SHOWN = {"value": "x"}


@pytest.mark.parametrize("text, day", [
    ("2027-03-01", date(2027, 3, 1)),
    ("2027/3/1", date(2027, 3, 1)),
    ("2027.03.01", date(2027, 3, 1)),
    ("2027-03-01 08:30:00", date(2027, 3, 1)),
    ("2027-07-01", TODAY),
    ("２０２７-03-01", date(2027, 3, 1)),  # full-width digits, as a Chinese keyboard types them
])
def test_dates_as_officials_write_them(text, day):
    assert parse_date(text, TODAY, SHOWN) == (day, None, {})


@pytest.mark.parametrize("text", ["2027-02-30", "1 March 2027", "2027-3", "²⁰²⁷-03-01", ""])
def test_what_is_not_a_day_is_refused(text):
    assert parse_date(text, TODAY, SHOWN) == (None, "bad_date", SHOWN)


def test_a_day_after_today_is_refused_with_today_named():
    assert parse_date("2027-07-02", TODAY, SHOWN) == (
        None, "future_date", {"today": "2027-07-01", "value": "x"})


@pytest.mark.parametrize("text, number", [("1,200", 1200), ("1200.0", 1200), ("0", 0)])
def test_whole_numbers_as_spreadsheets_write_them(text, number):
    assert parse_whole_number(text, 10_000, SHOWN) == (number, None, {})


@pytest.mark.parametrize("text, code", [
    ("12.5", "bad_number"), ("²", "bad_number"), ("①", "bad_number"), ("-3", "negative_number"),
    ("10001", "too_large"),
])
def test_what_is_not_a_count_is_refused(text, code):
    assert parse_whole_number(text, 10_000, SHOWN)[1] == code


def test_the_two_importers_refuse_the_same_day_the_same_way():
    """A bad date is one message in both imports, because both use parse_date."""
    proposals = parse_import(
        ("标题,描述,类别,街道,社区,渠道,反映人,日期\n"
         "加装电梯,六层老楼,住房与老旧小区改造,东华门街道,多福巷社区,12345热线,王女士,2027-02-30\n"
         ).encode(), "a.csv", today=TODAY,
        communities={"多福巷社区": ("多福巷社区", "东华门街道")})
    progress = parse_progress(
        "项目编号,日期,进度,里程碑,累计支出,说明\n1,2027-02-30,50,,,主体完工\n".encode(),
        "b.csv", today=TODAY,
        projects={1: ProjectInfo(id=1, title="加装电梯", mine=True, manual=True)})
    assert [(e.row, e.column, e.code) for e in proposals.errors] == [(2, "日期", "bad_date")]
    assert [(e.row, e.column, e.code) for e in progress.errors] == [(2, "日期", "bad_date")]


def test_a_milestone_named_by_a_unicode_digit_is_an_unknown_milestone_not_a_crash():
    project = ProjectInfo(id=1, title="加装电梯", mine=True, manual=False,
                          milestones=(MilestoneInfo(id=7, position=2, title="设备安装",
                                                    done=False),))
    report = parse_progress("项目编号,日期,里程碑,说明\n1,2027-06-30,²,安装\n".encode(), "c.csv",
                            today=TODAY, projects={1: project})
    assert [e.code for e in report.errors] == ["unknown_milestone"]


def test_read_header_knows_only_the_columns_it_is_given():
    columns = (Column("title", "标题", "title"), Column("note", "说明", "note", required=False))
    positions, errors = read_header(1, ["*标题", "Note", "其他"], columns)
    assert positions == {"title": (0, "*标题"), "note": (1, "Note")}
    assert [(e.column, e.code) for e in errors] == [("其他", "unknown_column")]


def test_templates_are_header_and_example_of_each_import():
    assert template_csv((Column("a", "甲", "a"),), ("1",)) == "甲\r\n1\r\n"
    assert proposal_template().splitlines()[0] == (
        "标题,描述,类别,街道,社区,受益人数,渠道,反映人,日期")
    assert progress_template().splitlines()[0] == "项目编号,日期,进度,里程碑,累计支出,说明"
