"""A year's holiday arrangement entered by an administrator, for the years chinesecalendar
does not know yet: reading the days as typed, checking them, keeping them, and the
`WorkCalendar` the clock asks.

The State Council announces each year's arrangement (国务院办公厅关于…部分节假日安排的通知)
in the autumn before; `chinesecalendar` carries it from its next release. Until that release is
installed, an administrator types the notice's days off (放假, weekend days included) and its
make-up workdays (调休上班, always a Saturday or Sunday). A year the library knows is refused
here: the library is checked by many users against the notice, a hand-typed copy is not, and
two sources for one year would make a deadline depend on which is asked. Once an upgraded
library learns an entered year, the library answers for it and the entry is only history.

Deadlines are stored when they are set (at dispatch, at a reopening, when a pause ends), so
replacing an arrangement moves no deadline already set; it holds for every deadline set or
moved after it, and for the live deadline of a request whose clock is stopped now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from proposals.requests import clock
from proposals.requests.models import DayKind, HolidayArrangement, HolidayDay
from votes.base import DomainError
from votes.people import Role, User

REFERENCE_MAX = 80
# A longer stretch is a typing slip far more often than a holiday (the longest, Spring
# Festival, is 8 or 9 days); a real one can still be typed as two ranges.
RANGE_MAX_DAYS = 15
YEARS = (1900, 2200)  # what the table's check allows

_DAY = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_ONE = re.compile(_DAY)
# A range: 2027-02-05..2027-02-13, also with ~, ～ or 至 between the two days.
_RANGE = re.compile(rf"{_DAY}\s*(?:\.\.|~|～|至)\s*{_DAY}")
# Between items of a line: commas (either width), 、 and semicolons, or plain spaces.
_SEPARATORS = re.compile(r"[,，、;；\s]+")
_RANGE_MARK = re.compile(r"\s*(\.\.|~|～|至)\s*")


@dataclass(frozen=True)
class Entry:
    """One item as typed: a day or a range of days, with the line it was typed on."""

    line: int  # 1-based; 0 for days given as dates rather than typed
    text: str
    days: tuple[date, ...]


@dataclass(frozen=True)
class Problem:
    """Why an item cannot be kept, for the field and line it was typed on."""

    field: str  # "days_off", "make_up_days" or "year"
    line: int
    text: str
    code: str
    params: dict = field(default_factory=dict, hash=False, compare=False)

    def error(self) -> DomainError:
        return DomainError(self.code, field=self.field, **self.params)


@dataclass(frozen=True)
class Reading:
    days_off: tuple[date, ...]
    make_up_days: tuple[date, ...]
    problems: tuple[Problem, ...]


def _date(groups: tuple[str, str, str]) -> date | None:
    try:
        return date(*(int(g) for g in groups))
    except ValueError:
        return None


def parse_days(text: str | None, field_name: str) -> tuple[list[Entry], list[Problem]]:
    """Days typed one per line or separated by commas, and ranges `2027-02-05..2027-02-13`."""
    entries, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = _RANGE_MARK.sub(r"\1", line.strip())
        for item in filter(None, _SEPARATORS.split(line)):
            found = _RANGE.fullmatch(item)
            if found:
                first, last = _date(found.groups()[:3]), _date(found.groups()[3:])
                if first is None or last is None:
                    problems.append(Problem(field_name, number, item, "holiday_not_a_date"))
                elif last < first:
                    problems.append(Problem(field_name, number, item, "holiday_range_backwards"))
                elif (last - first).days + 1 > RANGE_MAX_DAYS:
                    problems.append(Problem(field_name, number, item, "holiday_range_too_long",
                                            {"max": RANGE_MAX_DAYS}))
                else:
                    days = tuple(first + timedelta(n) for n in range((last - first).days + 1))
                    entries.append(Entry(number, item, days))
                continue
            found = _ONE.fullmatch(item)
            day = _date(found.groups()) if found else None
            if day is None:
                problems.append(Problem(field_name, number, item, "holiday_not_a_date"))
            else:
                entries.append(Entry(number, item, (day,)))
    return entries, problems


def check_year(year: int | None) -> list[Problem]:
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        return [Problem("year", 0, str(year or ""), "holiday_bad_year",
                        {"min": YEARS[0], "max": YEARS[1]})]
    if clock.in_library(year):
        return [Problem("year", 0, str(year), "holiday_year_in_library",
                        {"year": year, "first": clock.KNOWN_YEARS[0],
                         "last": clock.KNOWN_YEARS[1]})]
    return []


def check_days(year: int, off: list[Entry], workdays: list[Entry]) -> list[Problem]:
    """Every problem of the two lists, item by item: a day outside the year, a day typed
    twice, a day both off and worked, a make-up workday that is not a Saturday or Sunday."""
    problems = []
    seen_off: set[date] = set()
    for field_name, entries, seen in (("days_off", off, seen_off),
                                      ("make_up_days", workdays, set())):
        for entry in entries:
            if any(d.year != year for d in entry.days):
                problems.append(Problem(field_name, entry.line, entry.text,
                                        "holiday_not_in_year", {"year": year}))
                continue
            found: dict[str, date] = {}  # each problem once an item, at its first day
            for day in entry.days:
                if day in seen:
                    found.setdefault("holiday_duplicate", day)
                elif field_name == "make_up_days" and day in seen_off:
                    found.setdefault("holiday_off_and_workday", day)
                elif field_name == "make_up_days" and day.weekday() < 5:
                    found.setdefault("holiday_make_up_weekday", day)
                seen.add(day)
            problems += [Problem(field_name, entry.line, entry.text, code,
                                 {"day": day.isoformat()}) for code, day in found.items()]
    if not off and not any(p.field == "days_off" for p in problems):
        problems.append(Problem("days_off", 0, "", "holiday_no_days_off"))
    return problems


def read_arrangement(year: int | None, days_off: str | None, make_up_days: str | None
                     ) -> Reading:
    """The two lists as an administrator typed them, with every problem found in them."""
    off, off_problems = parse_days(days_off, "days_off")
    worked, worked_problems = parse_days(make_up_days, "make_up_days")
    problems = check_year(year) + off_problems + worked_problems
    if year is not None and not any(p.field == "year" for p in problems):
        problems += check_days(year, off, worked)
    return Reading(days_off=tuple(sorted({d for e in off for d in e.days})),
                   make_up_days=tuple(sorted({d for e in worked for d in e.days})),
                   problems=tuple(sorted(problems, key=lambda p: (p.field != "year",
                                                                   p.field, p.line))))


def _entries(days) -> list[Entry]:
    return [Entry(0, d.isoformat(), (d,)) for d in days]


# --- keeping an arrangement, and the calendar the clock asks --------------------------------


def enter_arrangement(session: Session, actor: User, *, year: int, days_off, make_up_days,
                      reference: str = "", now: datetime) -> HolidayArrangement:
    """Enter a year's arrangement, or replace the one entered before (deadlines already set
    keep their day; see the module's note)."""
    if not actor.has_role(Role.ADMIN):
        raise DomainError("admins_only")
    days_off, make_up_days = list(days_off), list(make_up_days)
    problems = check_year(year) or check_days(year, _entries(days_off), _entries(make_up_days))
    if problems:
        raise problems[0].error()
    reference = (reference or "").strip()
    if len(reference) > REFERENCE_MAX:
        raise DomainError("too_long", field="reference", max=REFERENCE_MAX)
    found = session.get(HolidayArrangement, year)
    if found is None:
        found = HolidayArrangement(year=year)
        session.add(found)
    else:
        session.execute(delete(HolidayDay).where(HolidayDay.year == year))
    found.reference, found.entered_by_id = reference, actor.id
    found.entered_at = now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
    try:
        session.flush()
    except IntegrityError:  # another administrator entered the year at the same moment
        raise DomainError("arrangement_entered_meanwhile", year=year) from None
    session.add_all([HolidayDay(day=d, year=year, kind=DayKind.OFF.value) for d in days_off]
                    + [HolidayDay(day=d, year=year, kind=DayKind.WORKDAY.value)
                       for d in make_up_days])
    session.flush()
    return found


def work_calendar(session: Session) -> clock.WorkCalendar:
    """The library's years and every entered year, in one query."""
    off, worked, years = set(), set(), set()
    for day, year, kind in session.execute(select(HolidayDay.day, HolidayDay.year,
                                                  HolidayDay.kind)):
        years.add(year)
        (off if kind == DayKind.OFF.value else worked).add(day)
    return clock.WorkCalendar(days_off=frozenset(off), make_up_days=frozenset(worked),
                              entered_years=frozenset(years))


@dataclass(frozen=True)
class EnteredYear:
    arrangement: HolidayArrangement
    days_off: tuple[date, ...]
    make_up_days: tuple[date, ...]
    superseded: bool  # the installed library knows the year now and answers for it


def entered_years(session: Session) -> list[EnteredYear]:
    """Every entered arrangement with its days, the latest year first."""
    days: dict[int, dict[str, list[date]]] = {}
    for row in session.scalars(select(HolidayDay).order_by(HolidayDay.day)):
        days.setdefault(row.year, {}).setdefault(row.kind, []).append(row.day)
    found = []
    for arrangement in session.scalars(select(HolidayArrangement)
                                       .order_by(HolidayArrangement.year.desc())):
        kinds = days.get(arrangement.year, {})
        found.append(EnteredYear(arrangement, tuple(kinds.get(DayKind.OFF.value, ())),
                                 tuple(kinds.get(DayKind.WORKDAY.value, ())),
                                 clock.in_library(arrangement.year)))
    return found


def first_unknown_year(session: Session, after: int) -> int:
    """The first year from `after` on that neither the library nor an entry knows."""
    known = clock.WorkCalendar(entered_years=frozenset(
        session.scalars(select(func.distinct(HolidayDay.year)))))
    year = after
    while known.knows(year):
        year += 1
    return year


def runs(days) -> list[tuple[date, date]]:
    """Consecutive days joined: (first, last) of each run, in order."""
    found: list[tuple[date, date]] = []
    for day in sorted(days):
        if found and day == found[-1][1] + timedelta(1):
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return found


def format_days(days) -> str:
    """Days as the form takes them back: one run a line, a run of several as a range (a
    run longer than a range may be, as several)."""
    lines = []
    for first, last in runs(days):
        while first <= last:
            end = min(last, first + timedelta(RANGE_MAX_DAYS - 1))
            lines.append(first.isoformat() if first == end
                         else f"{first.isoformat()}..{end.isoformat()}")
            first = end + timedelta(1)
    return "\n".join(lines)
