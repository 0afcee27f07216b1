"""The working-day clock of a request: China's working days, deadlines, and pauses that stop it.

Working days are the State Council's: Monday to Friday, less the public holidays, plus the
make-up workdays (调休) that fall on a weekend; `chinesecalendar` carries them, one release per
year once the year's arrangement is announced. For a year the library does not know yet, an
administrator enters the State Council's notice (proposals/requests/calendar.py); the services
load it into a `WorkCalendar` and hand that to the functions here, which stay pure. A day that
neither knows is refused with DomainError("calendar_unknown"), never guessed at.

A working day is counted whole, midnight to midnight in Asia/Shanghai: a limit of N working
days ends at the end of the N-th working day after the day it starts on. The time a request
waits for its requester (a pause) is measured in working time — the part of the pause that
falls on working days — and the deadline moves on by exactly that much working time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from votes.base import DomainError

TZ = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)
# The calendar years the installed chinesecalendar knows (both ends included).
KNOWN_YEARS = (min(chinese_calendar.constants.holidays).year,
               max(chinese_calendar.constants.holidays).year)
LIBRARY_VERSION = getattr(chinese_calendar, "__version__", "")


def local(moment: datetime) -> datetime:
    """A moment in Asia/Shanghai; a naive one is taken as UTC (SQLite keeps no zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TZ)


def _unknown(year: int) -> DomainError:
    return DomainError("calendar_unknown", year=year, first=KNOWN_YEARS[0], last=KNOWN_YEARS[1])


def in_library(year: int) -> bool:
    """Whether the installed chinesecalendar carries the year (it is then the authority)."""
    return KNOWN_YEARS[0] <= year <= KNOWN_YEARS[1]


@dataclass(frozen=True)
class WorkCalendar:
    """The working days the clock asks about: the library's years, and the years whose
    arrangement an administrator entered (their days off and weekend make-up workdays).
    An entered year the library has since learnt is answered by the library."""

    days_off: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()
    entered_years: frozenset[int] = frozenset()

    def knows(self, year: int) -> bool:
        return in_library(year) or year in self.entered_years

    def is_working_day(self, day: date) -> bool:
        if in_library(day.year):
            try:
                return chinese_calendar.is_workday(day)
            except NotImplementedError:  # a year inside the range the library left out
                raise _unknown(day.year) from None
        if day.year in self.entered_years:
            if day in self.days_off:
                return False
            return day.weekday() < 5 or day in self.make_up_days
        raise _unknown(day.year)


# The library alone: what the clock knows when no arrangement has been entered.
LIBRARY = WorkCalendar()


def is_working_day(day: date, calendar: WorkCalendar = LIBRARY) -> bool:
    return calendar.is_working_day(day)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TZ)


def end_of(day: date) -> datetime:
    """The last moment of a day in Asia/Shanghai: a deadline that day is met up to here."""
    return datetime.combine(day, time.max, tzinfo=TZ)


def _position(moment: datetime) -> datetime:
    """A moment for arithmetic: the end of a day (time.max) is the next midnight."""
    moment = local(moment)
    if moment.timetz().replace(tzinfo=None) == time.max:
        return _midnight(moment.date() + DAY)
    return moment


def _shown(moment: datetime) -> datetime:
    """A moment as a deadline is kept: the midnight that ends a day is that day's end."""
    if moment.timetz().replace(tzinfo=None) == time.min:
        return end_of(moment.date() - DAY)
    return moment


def working_deadline(start: datetime, days: int, *, calendar: WorkCalendar = LIBRARY
                     ) -> datetime:
    """The end of the `days`-th working day after the day of `start` (its own day not counted)."""
    if days < 1:
        raise DomainError("bad_limit", field="resolve_days")
    day, counted = local(start).date(), 0
    while counted < days:
        day += DAY
        if calendar.is_working_day(day):
            counted += 1
    return end_of(day)


def sign_deadline(start: datetime, hours: int) -> datetime:
    """Signing for a request is timed in plain hours, nights and holidays included."""
    if hours < 1:
        raise DomainError("bad_limit", field="sign_hours")
    return local(start) + timedelta(hours=hours)


def working_time(start: datetime, end: datetime, *, calendar: WorkCalendar = LIBRARY
                 ) -> timedelta:
    """The part of [start, end) that falls on working days."""
    start, end = _position(start), _position(end)
    total = timedelta(0)
    day = start.date()
    while _midnight(day) < end:
        if calendar.is_working_day(day):
            total += max(timedelta(0), min(end, _midnight(day + DAY)) - max(start, _midnight(day)))
        day += DAY
    return total


def advance(moment: datetime, amount: timedelta, *, calendar: WorkCalendar = LIBRARY
            ) -> datetime:
    """The moment `amount` of working time after `moment` (which may be in a day off)."""
    if amount < timedelta(0):
        raise ValueError("working time runs forward only")
    position = _position(moment)
    if amount == timedelta(0):
        return local(moment)
    day = position.date()
    while True:
        if calendar.is_working_day(day):
            available = _midnight(day + DAY) - max(position, _midnight(day))
            if amount <= available:
                return _shown(max(position, _midnight(day)) + amount)
            amount -= available
        day += DAY


@dataclass(frozen=True)
class Pause:
    """The clock stopped while waiting for the requester; `ended` None while still waiting."""

    started: datetime
    ended: datetime | None
    reason: str


def paused_time(pauses: list[Pause] | tuple[Pause, ...], now: datetime, *,
                calendar: WorkCalendar = LIBRARY) -> timedelta:
    """The working time of every pause, an open one counted up to `now`."""
    return sum((working_time(p.started, p.ended or max(now, p.started), calendar=calendar)
                for p in pauses), timedelta(0))


def resolve_deadline(start: datetime, days: int, pauses=(), now: datetime | None = None, *,
                     calendar: WorkCalendar = LIBRARY) -> datetime:
    """The resolution deadline: `days` working days from `start`, moved on by the pauses."""
    base = working_deadline(start, days, calendar=calendar)
    if not pauses:
        return base
    return advance(base, paused_time(pauses, now or datetime.now(UTC), calendar=calendar),
                   calendar=calendar)


def is_late(due: datetime, done: datetime | None, now: datetime) -> bool:
    """Past its deadline: done after it, or not done and the deadline has gone by."""
    return local(done or now) > local(due)
