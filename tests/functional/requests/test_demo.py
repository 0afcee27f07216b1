"""The demo's requests: every state of the loop, the units' officials; a second run adds none."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import select

from app.demo.requests import seed_holidays, seed_requests
from app.demo.seed import seed
from proposals.requests import calendar, clock, services
from proposals.requests.models import Escalation, HolidayArrangement, Request, Status, Unit
from votes.people import find_user


def test_the_demo_plays_every_state_and_puts_missed_limits_under_supervision(db):
    seed(db, password="demo-pass-2027")
    db.flush()
    states = Counter(db.scalars(select(Request.status)))
    assert states == {"closed": 5, "raised": 3, "reopened": 1, "replied": 1, "waiting": 1,
                      "dispatched": 1, "signed": 1}
    units = {u.name: u.official.username for u in db.scalars(select(Unit))}
    assert units == {"区住建委": "official3", "长江街道办事处": "official4",
                     "黄河街道办事处": "official5"}
    resident01 = find_user(db, "resident01")
    assert db.scalar(select(Request.status).where(Request.requester_id == resident01.id)) \
        == "replied"
    grounds = Counter(e.ground for e in db.scalars(select(Escalation).where(
        Escalation.resolved_at.is_(None))))
    assert grounds == {"unsatisfied": 1, "sign_overdue": 1, "resolve_overdue": 2}
    assert seed_requests(db) == 0


def test_the_demo_enters_an_invented_2027_so_its_desks_work_after_24_december(db):
    seed(db, password="demo-pass-2027")
    db.flush()
    [entered] = db.scalars(select(HolidayArrangement)).all()
    assert (entered.year, entered.reference) == (2027, "演示用安排（非官方）")
    assert calendar.first_unknown_year(db, 2026) == 2028
    waiting = db.scalars(select(Request).where(Request.status == Status.RAISED.value)).first()
    december_28 = datetime(2026, 12, 28, 9, tzinfo=clock.TZ)
    unit = db.scalars(select(Unit)).first()
    services.dispatch(db, find_user(db, "official6"), waiting, unit, note="", now=december_28)
    # Dec 29-31, then Jan 4 and 5: the demo's New Year is Jan 1-3.
    assert clock.local(waiting.resolve_due_at) == clock.end_of(date(2027, 1, 5))
    assert seed_holidays(db, find_user(db, "admin")) is False
