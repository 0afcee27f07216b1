"""Samples of the 接诉即办 URLs for the access test (tests/functional/test_access.py)."""

from __future__ import annotations

from proposals.requests import services
from tests.functional.requests.samples import MOMENT, enter_2027, raise_one
from votes.people import Role


def add_samples(db, base) -> dict:
    admin, make_user = base["admin"], base["make_user"]
    unit = services.add_unit(db, admin, name="样例承办单位", official=make_user(Role.OFFICIAL))
    item = raise_one(db, make_user(Role.RESIDENT), now=MOMENT)
    services.dispatch(db, admin, item, unit, note="", now=MOMENT)
    enter_2027(db, admin)  # the working-day calendar page then lists an entered year
    return {"request_id": item.id, "request_number": item.number, "category": "other",
            "urgency": "normal"}
