"""The admin's settings over HTTP: units and the limits; the supervision desk's sweep."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from proposals.requests import services
from proposals.requests.models import TimeLimit, Unit
from tests.functional.requests.samples import MOMENT, raise_one


def test_the_admin_registers_a_unit_and_sets_a_limit(app, db, desk, as_user, make_user):
    from votes.people import Role

    admin = as_user(desk.admin)
    page = admin.get("/admin/requests/settings").text
    assert "区住建委" in page and 'name="public_safety-urgent-sign_hours"' in page
    water = make_user(Role.OFFICIAL, name="水务局工作人员")
    taken = admin.post("/admin/requests/units",
                       data={"unit-name": "区住建委", "unit-official": water.username})
    assert "A unit of this name exists already." in taken.text
    assert 'value="区住建委"' in taken.text
    admin.post("/admin/requests/units", data={"unit-name": "区水务局",
                                              "unit-official": water.username})
    assert db.scalar(select(Unit.official_id).where(Unit.name == "区水务局")) == water.id
    nobody = admin.post("/admin/requests/units",
                        data={"unit-name": "区城管委", "unit-official": "nobody"})
    assert "Give the username of an official account." in nobody.text

    bad = admin.post("/admin/requests/limits/public_safety/urgent", data={
        "public_safety-urgent-category": "public_safety",
        "public_safety-urgent-urgency": "urgent",
        "public_safety-urgent-sign_hours": "0", "public_safety-urgent-resolve_days": "1"})
    assert "Enter a number from 1 to 720." in bad.text
    admin.post("/admin/requests/limits/public_safety/urgent", data={
        "public_safety-urgent-category": "public_safety",
        "public_safety-urgent-urgency": "urgent",
        "public_safety-urgent-sign_hours": "1", "public_safety-urgent-resolve_days": "2"})
    row = db.scalar(select(TimeLimit).filter_by(category="public_safety", urgency="urgent"))
    assert (row.sign_hours, row.resolve_days, row.updated_by_id) == (1, 2, desk.admin.id)
    unknown = admin.post("/admin/requests/limits/weather/urgent", data={
        "weather-urgent-category": "weather", "weather-urgent-urgency": "urgent",
        "weather-urgent-sign_hours": "1", "weather-urgent-resolve_days": "2"},
        follow_redirects=True)
    assert "Please choose one of the options offered." in unknown.text
    assert as_user(desk.dispatcher).get("/admin/requests/settings").status_code == 403


def test_the_supervision_desk_records_the_limits_missed(app, db, desk, as_user):
    item = raise_one(db, desk.requester)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=MOMENT)
    db.commit()
    app.config["NOW"] = MOMENT + timedelta(hours=25)
    official = as_user(desk.dispatcher)
    assert "No request is under supervision." in \
        official.get("/official/requests/supervision").text
    done = official.post("/official/requests/supervision/check", follow_redirects=True).text
    assert "Limits checked: 1 request put under supervision." in done
    assert "Not signed for within the time limit" in done and "3号门路灯不亮" in done
