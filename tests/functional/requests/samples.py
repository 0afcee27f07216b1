"""Plain values and helpers of the 接诉即办 tests (the fixtures are in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from proposals.requests import services
from proposals.requests.clock import TZ
from votes.people import User

# A Tuesday before the 2026 Mid-autumn and National Day holidays (Oct 1-7; Oct 10 a workday).
MOMENT = datetime(2026, 9, 29, 10, 0, tzinfo=TZ)


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
