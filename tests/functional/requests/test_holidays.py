"""A year's holiday arrangement through the services: entered by an admin only, for a year
the library does not know, replaced whole; a request raised on 2026-12-28 is refused its
deadline before the 2027 arrangement exists and gets one in 2027 after."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from proposals.requests import calendar, clock, services
from proposals.requests.clock import TZ, end_of
from proposals.requests.models import HolidayArrangement, HolidayDay
from tests.functional.builders import refused
from tests.functional.requests.samples import MAKE_UP_2027, OFF_2027, enter_2027, raise_one

DECEMBER_28 = datetime(2026, 12, 28, 9, tzinfo=TZ)  # a Monday


def test_a_request_of_28_december_gets_its_2027_deadline_once_the_year_is_entered(db, desk):
    item = raise_one(db, desk.requester, now=DECEMBER_28)
    error = refused("calendar_unknown", services.dispatch, db, desk.dispatcher, item,
                    desk.units["housing"], note="", now=DECEMBER_28)
    assert error.params == {"year": 2027, "first": 2004, "last": 2026}
    db.rollback()
    enter_2027(db, desk.admin)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=DECEMBER_28)
    # Dec 29, 30, 31; Jan 1 off; Jan 4, 5 (the default limit: 5 working days).
    assert clock.local(item.resolve_due_at) == end_of(date(2027, 1, 5))
    assert item.status == "dispatched"


def test_a_pause_into_2027_is_resumed_and_swept_with_the_entered_days(db, desk):
    december = datetime(2026, 12, 21, 9, tzinfo=TZ)
    item = raise_one(db, desk.requester, now=december)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=december)
    services.sign(db, desk.housing, item, now=december)
    assert clock.local(item.resolve_due_at) == end_of(date(2026, 12, 28))
    services.pause(db, desk.housing, item, reason="等居民回来",
                   now=datetime(2026, 12, 24, 9, tzinfo=TZ))
    enter_2027(db, desk.admin)
    assert services.record_missed_limits(db, datetime(2027, 1, 11, 9, tzinfo=TZ)) == 0
    services.resume(db, desk.housing, item, now=datetime(2027, 1, 11, 9, tzinfo=TZ))
    # Waited from Dec 24 09:00 to Jan 11 09:00: 15 hours of Dec 24, then Dec 25, 28-31,
    # Jan 4-8 and the make-up Saturday Jan 9 (11 days), and 9 hours of Jan 11: 12 days,
    # counted on from Dec 28: Dec 29-31, Jan 4-8, the Saturday, Jan 11-13.
    assert clock.local(item.resolve_due_at) == end_of(date(2027, 1, 13))


def test_only_an_admin_enters_and_only_for_a_year_the_library_does_not_know(db, desk):
    refused("admins_only", calendar.enter_arrangement, db, desk.dispatcher, year=2027,
            days_off=OFF_2027, make_up_days=MAKE_UP_2027, now=DECEMBER_28)
    error = refused("holiday_year_in_library", calendar.enter_arrangement, db, desk.admin,
                    year=2026, days_off=[date(2026, 10, 1)], make_up_days=[], now=DECEMBER_28)
    assert error.params["field"] == "year"
    refused("holiday_make_up_weekday", calendar.enter_arrangement, db, desk.admin, year=2027,
            days_off=OFF_2027, make_up_days=[date(2027, 1, 4)], now=DECEMBER_28)
    refused("holiday_off_and_workday", calendar.enter_arrangement, db, desk.admin, year=2027,
            days_off=OFF_2027, make_up_days=[date(2027, 2, 6)], now=DECEMBER_28)
    refused("holiday_not_in_year", calendar.enter_arrangement, db, desk.admin, year=2027,
            days_off=[date(2028, 1, 1)], make_up_days=[], now=DECEMBER_28)
    refused("holiday_no_days_off", calendar.enter_arrangement, db, desk.admin, year=2027,
            days_off=[], make_up_days=[], now=DECEMBER_28)
    assert db.scalar(select(func.count()).select_from(HolidayArrangement)) == 0


def test_entering_a_year_again_replaces_it_and_moves_no_deadline_already_set(db, desk):
    enter_2027(db, desk.admin, reference="第一次")
    item = raise_one(db, desk.requester, now=DECEMBER_28)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=DECEMBER_28)
    db.commit()
    set_before = item.resolve_due_at
    # The same year again: Jan 4 off as well, no make-up workday at all.
    calendar.enter_arrangement(db, desk.admin, year=2027,
                               days_off=[date(2027, 1, 1), date(2027, 1, 4)], make_up_days=[],
                               reference="第二次", now=DECEMBER_28)
    db.commit()
    assert db.scalar(select(HolidayArrangement.reference)) == "第二次"
    assert sorted(db.scalars(select(HolidayDay.day))) == [date(2027, 1, 1), date(2027, 1, 4)]
    assert item.resolve_due_at == set_before  # stored when set: the replacement moves nothing
    later = raise_one(db, desk.requester, now=DECEMBER_28)
    services.dispatch(db, desk.dispatcher, later, desk.units["housing"], note="",
                      now=DECEMBER_28)
    assert clock.local(later.resolve_due_at) == end_of(date(2027, 1, 6))  # Jan 4 now off


def test_the_calendar_loaded_from_the_session_knows_the_entered_year(db, desk):
    assert calendar.work_calendar(db) == clock.LIBRARY
    enter_2027(db, desk.admin)
    loaded = calendar.work_calendar(db)
    assert loaded.entered_years == {2027}
    assert loaded.make_up_days == set(MAKE_UP_2027) and loaded.days_off == set(OFF_2027)
    assert calendar.first_unknown_year(db, 2026) == 2028
    [entered] = calendar.entered_years(db)
    assert (entered.arrangement.year, entered.superseded) == (2027, False)
    assert entered.days_off == tuple(OFF_2027)
