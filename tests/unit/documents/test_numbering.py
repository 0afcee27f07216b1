"""A document's number and date: the kind's letter, the year in Beijing, the year's serial."""

from datetime import UTC, date, datetime

import pytest

from app.documents.numbering import chinese_date, document_number, local_day, serial_in_year

ZONE = "Asia/Shanghai"


def test_a_number_is_prefix_letter_year_and_serial():
    assert document_number("滨人", "resolution", 2027, 3) == "滨人发〔2027〕3号"
    assert document_number("滨人", "announcement", 2026, 12) == "滨人公〔2026〕12号"
    assert document_number("滨人", "evaluation", 2026, 1) == "滨人通〔2026〕1号"
    assert document_number("滨人", "supervision", 2026, 1) == "滨人督〔2026〕1号"
    with pytest.raises(ValueError):
        document_number("滨人", "resolution", 2027, 0)


def test_a_date_is_written_without_leading_zeros():
    assert chinese_date(date(2026, 12, 1)) == "2026年12月1日"
    assert chinese_date(date(2027, 3, 9)) == "2027年3月9日"


def test_the_day_is_beijing_s_whether_the_moment_is_naive_or_aware():
    assert local_day(datetime(2026, 12, 31, 16, 0), ZONE) == date(2027, 1, 1)
    assert local_day(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), ZONE) == date(2026, 12, 31)


def test_the_serial_counts_the_events_of_the_same_local_year_up_to_this_one():
    events = [(datetime(2026, 12, 31, 15, 0, tzinfo=UTC), 1),  # 2026-12-31 in Beijing
              (datetime(2026, 12, 31, 16, 30), 2),  # naive: 2027-01-01 00:30 in Beijing
              (datetime(2027, 3, 1, tzinfo=UTC), 3),
              (datetime(2027, 3, 1, tzinfo=UTC), 4)]  # the same moment: the id orders them
    assert [serial_in_year(events, e, ZONE) for e in events] == [1, 1, 2, 3]
    # A later event never changes an earlier one's serial.
    more = [*events, (datetime(2027, 6, 1, tzinfo=UTC), 5)]
    assert [serial_in_year(more, e, ZONE) for e in events] == [1, 1, 2, 3]
