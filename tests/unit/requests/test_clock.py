"""The working-day clock on real dates: the 2026 National Day holiday, make-up days, pauses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proposals.requests import clock
from proposals.requests.clock import TZ, Pause, end_of
from votes.base import DomainError


def at(y, m, d, h=10, minute=0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=TZ)


def test_the_2026_national_day_holiday_and_its_make_up_saturday():
    assert not clock.is_working_day(date(2026, 10, 1))  # National Day, a Thursday
    assert not clock.is_working_day(date(2026, 10, 7))  # the holiday's last day, a Wednesday
    assert clock.is_working_day(date(2026, 10, 10))  # a Saturday worked instead (调休)
    assert not clock.is_working_day(date(2026, 10, 11))  # an ordinary Sunday
    assert clock.is_working_day(date(2026, 9, 30))


def test_a_deadline_skips_the_holiday_and_counts_the_make_up_workday():
    start = at(2026, 9, 30)  # a Wednesday, the last working day before the holiday
    assert clock.working_deadline(start, 1) == end_of(date(2026, 10, 8))
    assert clock.working_deadline(start, 2) == end_of(date(2026, 10, 9))
    assert clock.working_deadline(start, 3) == end_of(date(2026, 10, 10))  # the Saturday
    assert clock.working_deadline(start, 4) == end_of(date(2026, 10, 12))


def test_the_day_it_starts_on_is_not_counted_however_late():
    assert clock.working_deadline(at(2026, 11, 24, 0, 1), 1) == end_of(date(2026, 11, 25))
    assert clock.working_deadline(at(2026, 11, 24, 23, 59), 1) == end_of(date(2026, 11, 25))
    # Raised on a Saturday: Monday is the first working day.
    assert clock.working_deadline(at(2026, 11, 28), 1) == end_of(date(2026, 11, 30))


def test_the_day_is_beijings_not_utcs():
    # 23:30 UTC on Monday Nov 23 is already Tuesday Nov 24 in Beijing.
    from datetime import UTC

    late = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
    assert clock.working_deadline(late, 1) == end_of(date(2026, 11, 25))


def test_the_sign_for_limit_runs_in_plain_hours_through_the_holiday():
    assert clock.sign_deadline(at(2026, 9, 30, 20), 24) == at(2026, 10, 1, 20)


def test_a_pause_moves_the_deadline_on_by_the_working_time_it_lasted():
    assert clock.working_deadline(at(2026, 9, 30), 1) == end_of(date(2026, 10, 8))
    # Waiting from Oct 8 noon to Oct 12 noon: half of Oct 8, Oct 9, the Saturday Oct 10 and
    # half of Oct 12 are working time (three days); the Sunday is not.
    waited = Pause(at(2026, 10, 8, 12), at(2026, 10, 12, 12), "等居民在家")
    assert clock.paused_time([waited], now=at(2026, 10, 20)) == timedelta(days=3)
    assert clock.resolve_deadline(at(2026, 9, 30), 1, [waited]) == end_of(date(2026, 10, 12))


def test_a_pause_over_the_holiday_alone_moves_nothing():
    waited = Pause(at(2026, 10, 1, 9), at(2026, 10, 7, 18), "节假日")
    assert clock.paused_time([waited], now=at(2026, 10, 20)) == timedelta(0)


def test_an_open_pause_counts_up_to_now():
    waiting = Pause(at(2026, 11, 24, 12), None, "等回电")
    assert clock.paused_time([waiting], now=at(2026, 11, 24, 18)) == timedelta(hours=6)


def test_a_day_the_calendar_does_not_know_is_a_clear_refusal():
    with pytest.raises(DomainError) as refused:
        clock.working_deadline(at(2026, 12, 29), 5)  # runs into 2027
    assert refused.value.code == "calendar_unknown"
    assert refused.value.params["year"] == 2027
    with pytest.raises(DomainError):
        clock.is_working_day(date(2003, 5, 1))


def test_limits_below_one_are_refused():
    for call in (lambda: clock.working_deadline(at(2026, 11, 2), 0),
                 lambda: clock.sign_deadline(at(2026, 11, 2), 0)):
        with pytest.raises(DomainError) as refused:
            call()
        assert refused.value.code == "bad_limit"


# --- properties, over the years the library knows ----------------------------------------------

moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 10, 31),
                       timezones=st.just(TZ))
limits = st.integers(min_value=1, max_value=15)


@given(start=moments, days=limits)
def test_a_deadline_always_ends_a_working_day_after_the_start(start, days):
    due = clock.working_deadline(start, days)
    assert clock.is_working_day(due.date()) and due == end_of(due.date())
    assert due.date() > start.date()
    between = [start.date() + timedelta(n) for n in range(1, (due.date() - start.date()).days + 1)]
    assert sum(map(clock.is_working_day, between)) == days


@given(start=moments, days=limits, offset=st.integers(0, 20 * 24 * 60),
       length=st.integers(1, 10 * 24 * 60))
def test_pausing_never_shortens_a_deadline_and_it_stays_on_a_working_day(
        start, days, offset, length):
    begun = start + timedelta(minutes=offset)
    waited = Pause(begun, begun + timedelta(minutes=length), "等待")
    plain = clock.working_deadline(start, days)
    moved = clock.resolve_deadline(start, days, [waited])
    assert moved >= plain
    assert clock.is_working_day(moved.date())
    # The extension is exactly the working time paused.
    assert clock.working_time(plain, moved) == clock.paused_time([waited], now=moved)


@given(start=moments, amount=st.integers(0, 30 * 24 * 60))
def test_advancing_by_working_time_is_undone_by_measuring_it(start, amount):
    later = clock.advance(start, timedelta(minutes=amount))
    assert later >= start
    assert clock.working_time(start, later) == timedelta(minutes=amount)
