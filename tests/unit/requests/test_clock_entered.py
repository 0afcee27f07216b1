"""The clock with a year an administrator entered (2027, which chinesecalendar 1.11 does not
know): a deadline across the New Year, a make-up Saturday counted, a day off skipped, 2028
still refused, and the library's own years untouched by an entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proposals.requests import clock
from proposals.requests.clock import LIBRARY, TZ, Pause, WorkCalendar, end_of
from votes.base import DomainError

# A test arrangement, not the real one: New Year's Day off (a Friday), Saturday Jan 9 worked,
# and a Spring Festival week.
SPRING = frozenset(date(2027, 2, 5) + timedelta(n) for n in range(9))
ENTERED = WorkCalendar(days_off=frozenset({date(2027, 1, 1)}) | SPRING,
                       make_up_days=frozenset({date(2027, 1, 9), date(2027, 2, 20)}),
                       entered_years=frozenset({2027}))


def at(y, m, d, h=10, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=TZ)


def test_library_years_are_refused_past_2026_without_an_entry():
    assert clock.KNOWN_YEARS[1] == 2026  # when the library learns 2027, update these tests
    with pytest.raises(DomainError) as refused:
        clock.working_deadline(at(2026, 12, 24), 15)
    assert refused.value.code == "calendar_unknown"
    assert refused.value.params == {"year": 2027, "first": 2004, "last": 2026}


def test_an_entered_year_answers_for_its_days():
    assert not ENTERED.is_working_day(date(2027, 1, 1))  # the day off, a Friday
    assert ENTERED.is_working_day(date(2027, 1, 4))  # an ordinary Monday
    assert not ENTERED.is_working_day(date(2027, 1, 2))  # an ordinary Saturday
    assert ENTERED.is_working_day(date(2027, 1, 9))  # the make-up Saturday
    assert not ENTERED.is_working_day(date(2027, 2, 13))  # a Saturday inside the holiday
    assert ENTERED.knows(2027) and not ENTERED.knows(2028)


def test_a_15_day_limit_from_24_december_runs_into_2027():
    # Dec 25, 28, 29, 30, 31 (5); Jan 1 is off; Jan 4-8 (10); Saturday Jan 9 (11); Jan 11-14.
    due = clock.working_deadline(at(2026, 12, 24), 15, calendar=ENTERED)
    assert due == end_of(date(2027, 1, 14))
    without_saturday = WorkCalendar(days_off=ENTERED.days_off, entered_years=frozenset({2027}))
    assert clock.working_deadline(at(2026, 12, 24), 15, calendar=without_saturday) \
        == end_of(date(2027, 1, 15))
    with_new_year_worked = WorkCalendar(make_up_days=ENTERED.make_up_days,
                                        entered_years=frozenset({2027}))
    assert clock.working_deadline(at(2026, 12, 24), 15, calendar=with_new_year_worked) \
        == end_of(date(2027, 1, 13))


def test_the_spring_festival_is_skipped_and_its_make_up_saturday_counted():
    # Thursday Feb 4 is the last working day before the holiday (Feb 5-13).
    assert clock.working_deadline(at(2027, 2, 3), 1, calendar=ENTERED) == end_of(date(2027, 2, 4))
    assert clock.working_deadline(at(2027, 2, 4), 1, calendar=ENTERED) \
        == end_of(date(2027, 2, 15))
    assert clock.working_deadline(at(2027, 2, 15), 5, calendar=ENTERED) \
        == end_of(date(2027, 2, 20))  # Feb 16-19, then the Saturday


def test_a_year_neither_knows_is_still_refused():
    with pytest.raises(DomainError) as refused:
        clock.working_deadline(at(2027, 12, 20), 15, calendar=ENTERED)
    assert (refused.value.code, refused.value.params["year"]) == ("calendar_unknown", 2028)
    with pytest.raises(DomainError):
        ENTERED.is_working_day(date(2003, 5, 1))


def test_the_library_answers_for_its_own_years_whatever_is_entered():
    # National Day 2026 stays off, and its make-up Saturday worked, though an entry says not.
    wrong = WorkCalendar(days_off=frozenset({date(2026, 11, 2)}),
                         make_up_days=frozenset(), entered_years=frozenset({2026}))
    assert wrong.is_working_day(date(2026, 11, 2))
    assert not wrong.is_working_day(date(2026, 10, 1))
    assert wrong.is_working_day(date(2026, 10, 10))


def test_without_entries_the_clock_is_the_library_alone():
    assert clock.is_working_day(date(2026, 10, 10)) is LIBRARY.is_working_day(date(2026, 10, 10))
    with pytest.raises(DomainError):
        clock.is_working_day(date(2027, 1, 4))


def test_a_pause_across_the_new_year_is_measured_with_the_entered_days():
    # Waiting from Thursday Dec 31 noon to Monday Jan 4 noon: half of Dec 31 and half of Jan 4.
    waited = Pause(at(2026, 12, 31, 12), at(2027, 1, 4, 12), "等居民回家")
    assert clock.paused_time([waited], now=at(2027, 1, 10), calendar=ENTERED) \
        == timedelta(days=1)
    with pytest.raises(DomainError):
        clock.paused_time([waited], now=at(2027, 1, 10))
    due = clock.resolve_deadline(at(2026, 12, 24), 15, [waited], calendar=ENTERED)
    assert due == end_of(date(2027, 1, 15))


moments = st.datetimes(min_value=datetime(2026, 11, 1), max_value=datetime(2027, 11, 30),
                       timezones=st.just(TZ))


@given(start=moments, days=st.integers(min_value=1, max_value=15))
def test_a_deadline_with_an_entered_year_ends_a_working_day(start, days):
    due = clock.working_deadline(start, days, calendar=ENTERED)
    assert ENTERED.is_working_day(due.date()) and due == end_of(due.date())
    between = [start.date() + timedelta(n) for n in range(1, (due.date() - start.date()).days + 1)]
    assert sum(map(ENTERED.is_working_day, between)) == days
