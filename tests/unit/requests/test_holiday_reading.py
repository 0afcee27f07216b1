"""Reading a year's holiday arrangement as an administrator types it: days one a line or
separated by commas, ranges, and every problem said for its field and line."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from proposals.requests.calendar import format_days, parse_days, read_arrangement, runs


def problems_of(reading) -> list[tuple[str, int, str, str]]:
    return [(p.field, p.line, p.text, p.code) for p in reading.problems]


def test_days_one_a_line_comma_separated_and_ranges():
    reading = read_arrangement(2027, "2027-01-01\n2027-02-05..2027-02-13,  2027-4-5\n\n"
                               "2027-05-01 至 2027-05-03，2027-10-01~2027-10-02",
                               "2027-01-09, 2027-02-20")
    assert reading.problems == ()
    assert reading.days_off[:2] == (date(2027, 1, 1), date(2027, 2, 5))
    assert len(reading.days_off) == 1 + 9 + 1 + 3 + 2
    assert date(2027, 4, 5) in reading.days_off and date(2027, 5, 2) in reading.days_off
    assert reading.make_up_days == (date(2027, 1, 9), date(2027, 2, 20))


def test_each_bad_item_is_reported_on_its_line_as_typed():
    reading = read_arrangement(
        2027,
        "2027-01-01\n2027-02-30, 2027-02-13..2027-02-05\nsoon\n2027-03-01..2027-04-30\n"
        "2028-01-01\n2026-12-31..2027-01-02\n2027-01-01",
        "2027-01-01\n2027-01-04\n2027-01-09, 2027-01-09")
    assert problems_of(reading) == [
        ("days_off", 2, "2027-02-30", "holiday_not_a_date"),
        ("days_off", 2, "2027-02-13..2027-02-05", "holiday_range_backwards"),
        ("days_off", 3, "soon", "holiday_not_a_date"),
        ("days_off", 4, "2027-03-01..2027-04-30", "holiday_range_too_long"),
        ("days_off", 5, "2028-01-01", "holiday_not_in_year"),
        ("days_off", 6, "2026-12-31..2027-01-02", "holiday_not_in_year"),
        ("days_off", 7, "2027-01-01", "holiday_duplicate"),
        ("make_up_days", 1, "2027-01-01", "holiday_off_and_workday"),
        ("make_up_days", 2, "2027-01-04", "holiday_make_up_weekday"),
        ("make_up_days", 3, "2027-01-09", "holiday_duplicate"),
    ]
    duplicate = reading.problems[6]
    assert duplicate.error().code == "holiday_duplicate"
    assert duplicate.error().params == {"field": "days_off", "day": "2027-01-01"}


def test_overlapping_ranges_are_one_problem_an_item():
    reading = read_arrangement(2027, "2027-02-05..2027-02-13\n2027-02-10..2027-02-16", "")
    assert problems_of(reading) == [
        ("days_off", 2, "2027-02-10..2027-02-16", "holiday_duplicate")]
    assert reading.problems[0].params == {"day": "2027-02-10"}


def test_a_year_the_library_knows_or_out_of_range_and_no_days_off():
    assert problems_of(read_arrangement(2026, "2026-01-01", "")) == [
        ("year", 0, "2026", "holiday_year_in_library")]
    assert problems_of(read_arrangement(1800, "1800-01-01", "")) == [
        ("year", 0, "1800", "holiday_bad_year")]
    assert problems_of(read_arrangement(2027, " \n,\n", "2027-01-09")) == [
        ("days_off", 0, "", "holiday_no_days_off")]
    # Weekend days off are allowed: a holiday includes its weekend.
    assert read_arrangement(2027, "2027-01-02, 2027-01-03", "").problems == ()


def test_parsing_alone_never_fails_on_odd_text():
    entries, problems = parse_days("２０２７-01-01\n9999-99-99..0000-00-00\n..\n2027-01-01..", "x")
    # Full-width digits, as a Chinese input method types them, are digits.
    assert [e.days for e in entries] == [(date(2027, 1, 1),)]
    assert [(p.line, p.code) for p in problems] == [(2, "holiday_not_a_date"),
                                                    (3, "holiday_not_a_date"),
                                                    (4, "holiday_not_a_date")]


days = st.sets(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)),
               min_size=1, max_size=60)


@given(days)
def test_the_days_shown_back_in_the_form_read_as_the_same_days(chosen):
    text = format_days(chosen)
    assert read_arrangement(2027, text, "").days_off == tuple(sorted(chosen))
    assert read_arrangement(2027, text, "").problems == ()
    assert sum((last - first).days + 1 for first, last in runs(chosen)) == len(chosen)
    found = runs(chosen)
    assert all(b[0] - a[1] > timedelta(1) for a, b in zip(found, found[1:], strict=False))
