"""Unit tests for proposals.importing: CSV/XLSX parsing, validation and the row-by-row report."""

import dataclasses
import io
import random
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from proposals.collection.importing import (
    CATEGORY_LABELS,
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    ImportedProposal,
    ImportReport,
    RowError,
    parse_import,
    template_csv,
)
from proposals.collection.models import Category

TODAY = date(2025, 4, 1)
SAMPLE = Path(__file__).resolve().parents[3] / "docs" / "samples" / "hotline_import.csv"

HEADER_ZH = "标题,描述,类别,街道,社区,受益人数,渠道,反映人,日期"
HEADER_EN = "title,description,category,street,community,beneficiaries,channel,proposer_name,date"
ROW_A = ("加装电梯,六层老楼希望加装电梯,住房与老旧小区改造,东华门街道,多福巷社区,120,12345热线,"
         "王女士,2025-03-18")
ROW_B = "社区食堂,希望开办社区食堂,elderly_care,东华门街道,韶九社区,,走访,李大爷,"
ROW_C = "红绿灯,学校路口需要红绿灯,交通出行,景山街道,吉祥社区,45,hotline,张先生,2025/3/21"
# The list of places as community_streets reads it: a name or code -> (name, its street).
COMMUNITIES = {
    **{name: (name, "东华门街道") for name in ("多福巷社区", "韶九社区", "甲", "乙")},
    **{name: (name, "景山街道") for name in ("吉祥社区", "黄化门社区")},
    "社区": ("社区", "街道"), "110101001001": ("多福巷社区", "东华门街道"),
}


def csv_bytes(*lines: str, header: str = HEADER_ZH, encoding: str = "utf-8-sig") -> bytes:
    return "\r\n".join([header, *lines]).encode(encoding)


def row(**changes: str) -> str:
    """ROW_A with some cells replaced, addressed by English alias."""
    cells = dict(zip(HEADER_EN.split(","), ROW_A.split(","), strict=True))
    cells.update(changes)
    return ",".join(cells.values())


def parse_csv(*lines: str, header: str = HEADER_ZH) -> ImportReport:
    return parse_import(csv_bytes(*lines, header=header), "records.csv", today=TODAY,
                        communities=COMMUNITIES)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- valid files -----------------------------------------------------------


def test_utf8_bom_csv_with_chinese_headers_parses_to_typed_rows():
    report = parse_csv(ROW_A, ROW_B, ROW_C)

    assert report.ok and report.errors == ()
    first, second, third = report.rows
    assert first == ImportedProposal(
        title="加装电梯", description="六层老楼希望加装电梯", category="housing",
        street="东华门街道", community="多福巷社区", beneficiaries=120, channel="hotline",
        proposer_name="王女士", received_on=date(2025, 3, 18), row=2,
    )
    assert isinstance(first.beneficiaries, int) and isinstance(first.received_on, date)
    assert (second.category, second.channel, second.row) == ("elderly_care", "visit", 3)
    assert second.beneficiaries is None and second.received_on is None
    assert (third.category, third.received_on, third.row) == ("transport", date(2025, 3, 21), 4)


def test_english_headers_in_any_case_work():
    report = parse_csv(ROW_A, header=HEADER_EN.replace("title", "Title"))
    assert report.ok
    assert report.rows[0].title == "加装电梯"


def test_gb18030_csv_as_saved_by_chinese_excel_works():
    data = csv_bytes(ROW_A, ROW_B, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    report = parse_import(data, "工单.csv", today=TODAY, communities=COMMUNITIES)

    assert report.ok
    assert [r.title for r in report.rows] == ["加装电梯", "社区食堂"]
    assert report.rows[0].street == "东华门街道"


def test_xlsx_with_float_numbers_and_datetimes_is_normalised():
    data = xlsx_bytes([
        HEADER_ZH.split(","),
        ["加装电梯", "六层老楼", "养老服务", "东华门街道", "多福巷社区", 1200.0, 12345, "王女士",
         datetime(2025, 3, 18)],
        ["社区食堂", "助餐", "other", "东华门街道", "韶九社区", None, "走访", "李大爷",
         datetime(2025, 3, 19, 9, 30)],
    ])

    report = parse_import(data, "records.XLSX", today=TODAY, communities=COMMUNITIES)

    assert report.errors == ()
    first, second = report.rows
    assert first.beneficiaries == 1200 and type(first.beneficiaries) is int
    assert first.channel == "hotline" and first.category == "elderly_care"
    assert first.received_on == date(2025, 3, 18) and type(first.received_on) is date
    assert second.received_on == date(2025, 3, 19) and second.beneficiaries is None
    assert second.row == 3


def test_xlsx_row_numbers_count_blank_rows():
    data = xlsx_bytes([HEADER_ZH.split(","), [], ROW_A.split(","), [None] * 9,
                       row(title="").split(",")])
    report = parse_import(data, "records.xlsx", today=TODAY, communities=COMMUNITIES)
    assert report.rows[0].row == 3
    assert report.errors == (RowError(5, "标题", "required"),)


def test_blank_lines_are_skipped_but_keep_the_numbering():
    report = parse_csv("", ROW_A, " , , ,,,,,,", row(title=""), "")
    assert [r.row for r in report.rows] == [3]
    assert report.errors == (RowError(5, "标题", "required"),)


def test_quoted_multiline_description_is_one_row():
    report = parse_csv(row(description='"第一行\n第二行"'), ROW_C)
    assert report.ok
    assert report.rows[0].description == "第一行\n第二行"
    assert report.rows[1].row == 3


def test_html_in_a_title_is_kept_verbatim():
    report = parse_csv(row(title="<script>alert(1)</script>"))
    assert report.ok
    assert report.rows[0].title == "<script>alert(1)</script>"


@pytest.mark.parametrize(("label", "code"), CATEGORY_LABELS.items())
def test_every_chinese_category_label_maps_to_its_code(label, code):
    report = parse_csv(row(category=label))
    assert report.rows[0].category == code == Category(code).value


def test_category_codes_are_all_accepted():
    report = parse_csv(*(row(category=c.value, title=c.value) for c in Category))
    assert report.ok
    assert {r.category for r in report.rows} == {c.value for c in Category}
    assert set(CATEGORY_LABELS.values()) == {c.value for c in Category}


@pytest.mark.parametrize(("value", "code"), [
    ("12345热线", "hotline"), ("12345 热线", "hotline"), ("12345", "hotline"),
    ("热线", "hotline"), ("HOTLINE", "hotline"), ("走访", "visit"), ("visit", "visit"),
])
def test_channel_aliases(value, code):
    assert parse_csv(row(channel=value)).rows[0].channel == code


def test_thousands_separator_and_asterisk_headers_are_tolerated():
    header = HEADER_ZH.replace("标题", "*标题")
    report = parse_csv(row(beneficiaries='"1,200"'), header=header)
    assert report.ok and report.rows[0].beneficiaries == 1200


def test_limits_are_inclusive():
    report = parse_csv(row(title="题" * 80, proposer_name="名" * 60,
                           beneficiaries="10000000", date=TODAY.isoformat()))
    assert report.ok


# --- the community is one on the list of places ------------------------------


def test_a_community_named_by_its_code_gives_its_name_and_the_street_may_be_left_empty():
    report = parse_csv(row(community="110101001001", street=""))
    assert report.ok
    assert (report.rows[0].community, report.rows[0].street) == ("多福巷社区", None)
    header = "标题,描述,类别,社区,渠道,反映人"
    assert parse_csv("电梯,描述,教育,吉祥社区,走访,王", header=header).ok


def test_a_community_not_on_the_list_is_the_rows_error():
    report = parse_csv(ROW_A, row(community="月亮社区", title="另一件事"))
    assert report.errors == (
        RowError(3, "社区", "import_unknown_community", {"value": "月亮社区"}),)
    assert [r.row for r in report.rows] == [2]


def test_a_street_that_is_not_the_communitys_is_the_rows_error():
    report = parse_csv(row(street="景山街道"))
    assert report.errors == (RowError(2, "街道", "import_wrong_street", {
        "value": "景山街道", "community": "多福巷社区", "street": "东华门街道"}),)
    assert report.rows == ()


# --- errors ----------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [
    (row(title=""), RowError(2, "标题", "required")),
    (row(description=""), RowError(2, "描述", "required")),
    (row(channel=" "), RowError(2, "渠道", "required")),
    (row(title="题" * 81), RowError(2, "标题", "too_long", {"max": 80, "length": 81})),
    (row(description="长" * 2001), RowError(2, "描述", "too_long", {"max": 2000, "length": 2001})),
    (row(community="社" * 41), RowError(2, "社区", "too_long", {"max": 40, "length": 41})),
    (row(proposer_name="名" * 61), RowError(2, "反映人", "too_long", {"max": 60, "length": 61})),
    (row(category="教育卫生"), RowError(2, "类别", "unknown_category", {"value": "教育卫生"})),
    (row(channel="online"), RowError(2, "渠道", "channel_not_importable", {"value": "online"})),
    (row(channel="代表联络站"),
     RowError(2, "渠道", "channel_not_importable", {"value": "代表联络站"})),
    (row(channel="微信"), RowError(2, "渠道", "unknown_channel", {"value": "微信"})),
    (row(beneficiaries="约200人"), RowError(2, "受益人数", "bad_number", {"value": "约200人"})),
    (row(beneficiaries="12.5"), RowError(2, "受益人数", "bad_number", {"value": "12.5"})),
    (row(beneficiaries="-3"), RowError(2, "受益人数", "negative_number", {"value": "-3"})),
    (row(beneficiaries="10000001"),
     RowError(2, "受益人数", "too_large", {"max": 10_000_000, "value": "10000001"})),
    (row(date="2025-02-30"), RowError(2, "日期", "bad_date", {"value": "2025-02-30"})),
    (row(date="上周三"), RowError(2, "日期", "bad_date", {"value": "上周三"})),
    (row(date="2025-04-02"),
     RowError(2, "日期", "future_date", {"today": "2025-04-01", "value": "2025-04-02"})),
    (ROW_A + ",多余", RowError(2, None, "unnamed_column", {"position": 10})),
])
def test_each_bad_cell_is_reported_with_row_column_and_code(line, expected):
    report = parse_csv(line, ROW_B)
    assert report.errors == (expected,)
    assert not report.ok
    assert [r.row for r in report.rows] == [3]


def test_row_three_missing_title():
    report = parse_csv(ROW_A, row(title="", community="韶九社区"), ROW_C)
    assert RowError(row=3, column="标题", code="required") in report.errors


def test_errors_name_the_header_as_written():
    report = parse_csv(row(title=""), header=HEADER_EN.replace("title", "TITLE", 1))
    assert report.errors == (RowError(2, "TITLE", "required"),)


def test_long_values_are_cut_in_the_report():
    report = parse_csv(row(category="类" * 500))
    assert report.errors[0].params == {"value": "类" * 50}


def test_duplicate_row_is_reported_on_the_later_one():
    report = parse_csv(ROW_A, ROW_C, row(description="另一份描述", date="2025-03-01"))
    assert report.errors == (RowError(4, None, "duplicate_row", {"first_row": 2}),)
    assert [r.row for r in report.rows] == [2, 3]


def test_two_bad_rows_among_three_good_give_exactly_two_errors():
    report = parse_csv(ROW_A, row(title="", community="甲"), ROW_B,
                       row(category="未知", community="乙"), ROW_C)
    assert len(report.errors) == 2
    assert [(e.row, e.code) for e in report.errors] == [(3, "required"), (5, "unknown_category")]
    assert [r.row for r in report.rows] == [2, 4, 6]
    assert report.ok is False


def test_all_errors_of_one_row_are_collected():
    report = parse_csv(row(title="", description="", beneficiaries="x", date="y"))
    assert [(e.column, e.code) for e in report.errors] == [
        ("标题", "required"), ("描述", "required"),
        ("受益人数", "bad_number"), ("日期", "bad_date"),
    ]
    assert report.rows == ()


def test_missing_column_is_reported_once_not_per_row():
    header = HEADER_ZH.replace("标题,", "")
    line = ROW_A.split(",", 1)[1]
    report = parse_csv(line, line, header=header)
    assert report.errors == (RowError(1, "标题", "missing_column", {"alias": "title"}),)
    assert report.rows == ()


def test_optional_columns_may_be_left_out():
    header = "标题,描述,类别,街道,社区,渠道,反映人"
    report = parse_csv("电梯,描述,教育,街道,社区,走访,王", header=header)
    assert report.ok
    assert report.rows[0].beneficiaries is None and report.rows[0].received_on is None


def test_unknown_and_duplicate_columns():
    report = parse_csv(ROW_A + ",x,y", header=HEADER_ZH + ",工单编号,TITLE")
    assert report.errors == (
        RowError(1, "工单编号", "unknown_column"),
        RowError(1, "TITLE", "duplicate_column", {"first": "标题"}),
    )


@pytest.mark.parametrize("data", [b"", b"\r\n  \r\n,,,\r\n"])
def test_empty_file(data):
    report = parse_import(data, "records.csv", today=TODAY, communities=COMMUNITIES)
    assert report.errors == (RowError(0, None, "empty_file"),)
    assert not report.ok


def test_header_without_rows_is_empty():
    report = parse_csv()
    assert report.errors == (RowError(0, None, "empty_file"),)
    assert report == ImportReport(errors=report.errors)


def test_too_many_rows():
    lines = [row(title=f"项目{i}") for i in range(MAX_ROWS + 1)]
    report = parse_csv(*lines)
    assert report.errors == (RowError(0, None, "too_many_rows", {"max": MAX_ROWS}),)
    assert report.rows == ()


def test_exactly_max_rows_is_fine():
    report = parse_csv(*(row(title=f"项目{i}") for i in range(MAX_ROWS)))
    assert report.ok and len(report.rows) == MAX_ROWS


def test_too_many_blank_rows_in_xlsx_are_rejected_too():
    data = xlsx_bytes([HEADER_ZH.split(","), *([[]] * (MAX_ROWS * 10)), ROW_A.split(",")])
    report = parse_import(data, "records.xlsx", today=TODAY, communities=COMMUNITIES)
    assert [e.code for e in report.errors] == ["too_many_rows"]


def test_oversized_file():
    data = csv_bytes(row(description="长" * 1000)) + b"\r\n" * MAX_BYTES
    report = parse_import(data, "records.csv", today=TODAY, communities=COMMUNITIES)
    assert report.errors == (
        RowError(0, None, "file_too_large", {"max": MAX_BYTES, "size": len(data)}),
    )


@pytest.mark.parametrize("filename", ["records.xls", "records.txt", "records", "csv", ""])
def test_unknown_extension(filename):
    report = parse_import(csv_bytes(ROW_A), filename, today=TODAY, communities=COMMUNITIES)
    assert [(e.row, e.code) for e in report.errors] == [(0, "not_a_spreadsheet")]


NOISE = random.Random(12345).randbytes(4096)


@pytest.mark.parametrize("data", [
    NOISE,
    b"PK\x03\x04" + NOISE,
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE,  # legacy .xls renamed
    csv_bytes(ROW_A),
])
def test_garbage_named_xlsx(data):
    report = parse_import(data, "records.xlsx", today=TODAY, communities=COMMUNITIES)
    assert report.errors == (RowError(0, None, "not_a_spreadsheet", {"extension": ".xlsx"}),)


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 4,
    xlsx_bytes([HEADER_ZH.split(","), ROW_A.split(",")]),
    b"title,\x01\x02\x03\x04,desc\r\n",
])
def test_binary_named_csv(data):
    report = parse_import(data, "records.csv", today=TODAY, communities=COMMUNITIES)
    assert [(e.row, e.code) for e in report.errors] == [(0, "not_a_spreadsheet")]


@pytest.mark.parametrize("data", [
    HEADER_ZH.encode("utf-8") + b"\r\n\xff\xff\xff",
    HEADER_ZH.encode("utf-16"),
])
def test_bad_encoding(data):
    report = parse_import(data, "records.csv", today=TODAY, communities=COMMUNITIES)
    assert [(e.row, e.code) for e in report.errors] == [(0, "bad_encoding")]


def test_xlsx_without_cached_values_reports_cells_not_a_crash():
    cells = ROW_A.split(",")
    data = xlsx_bytes([HEADER_ZH.split(","), [*cells[:5], "=1+1", *cells[6:]]])
    report = parse_import(data, "records.xlsx", today=TODAY, communities=COMMUNITIES)
    # openpyxl writes no cached result, so data_only reads an empty cell.
    assert report.ok and report.rows[0].beneficiaries is None


# --- the report types --------------------------------------------------------


def test_types_are_frozen_and_errors_hashable():
    report = parse_csv(ROW_A, row(title=""))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.rows[0].title = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.errors[0].code = "x"  # type: ignore[misc]
    assert len(set(report.errors)) == 1


# --- template and sample ------------------------------------------------------


def test_template_has_chinese_headers_and_parses_cleanly():
    text = template_csv()
    assert text.splitlines()[0] == ",".join(c.header for c in COLUMNS)
    report = parse_import(text.encode("utf-8-sig"), "template.csv", today=TODAY,
                          communities=COMMUNITIES)
    assert report.ok and len(report.rows) == 1


def test_sample_file_in_docs_parses_cleanly():
    report = parse_import(SAMPLE.read_bytes(), SAMPLE.name, today=TODAY, communities=COMMUNITIES)
    assert report.errors == ()
    assert len(report.rows) == 4
    assert {r.channel for r in report.rows} == {"hotline", "visit"}
