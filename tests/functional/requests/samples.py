"""Plain values and helpers of the 接诉即办 tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from proposals.requests import calendar, services
from proposals.requests.clock import TZ
from votes.people import User
from votes.places import PlaceRow

# A Tuesday before the 2026 Mid-autumn and National Day holidays (Oct 1-7; Oct 10 a workday).
MOMENT = datetime(2026, 9, 29, 10, 0, tzinfo=TZ)


# The list of places the desk's requests name (conftest.py adds it with the desk).
PLACES = [
    PlaceRow("district", "110105", "测试区"),
    PlaceRow("street", "110105001", "长江街道", "110105"),
    PlaceRow("community", "C-HP", "和平社区", "110105001"),
    PlaceRow("community", "C-XF", "幸福社区", "110105001"),
]


@dataclass
class Desk:
    admin: User
    dispatcher: User
    housing: User  # signs for 区住建委
    street: User  # signs for 长江街道办事处
    requester: User
    neighbour: User
    units: dict


def raise_one(db, requester, *, title="3号门路灯不亮", category="public_safety",
              urgency="normal", now=MOMENT, community="和平社区"):
    made = services.raise_request(
        db, requester, services.Draft(title=title, description="晚上路过很危险。",
                                      category=category, community=community,
                                      urgency=urgency), channel="online", now=now)
    db.commit()
    return made


def days(first: date, last: date | None = None) -> list[date]:
    return [first + timedelta(n) for n in range(((last or first) - first).days + 1)]


# A 2027 arrangement for the tests (not the State Council's): New Year's Day (a Friday) off,
# Saturday Jan 9 worked; the Spring Festival Feb 5-13 with Saturday Feb 20 worked.
OFF_2027 = days(date(2027, 1, 1)) + days(date(2027, 2, 5), date(2027, 2, 13))
MAKE_UP_2027 = [date(2027, 1, 9), date(2027, 2, 20)]


def enter_2027(db, admin, *, reference="测试用安排", now=MOMENT):
    made = calendar.enter_arrangement(db, admin, year=2027, days_off=OFF_2027,
                                      make_up_days=MAKE_UP_2027, reference=reference, now=now)
    db.commit()
    return made
