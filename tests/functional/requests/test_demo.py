"""The demo's requests: every state of the loop, the units' officials; a second run adds none."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from app.demo.requests import seed_requests
from app.demo.seed import seed
from proposals.requests.models import Escalation, Request, Unit
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
