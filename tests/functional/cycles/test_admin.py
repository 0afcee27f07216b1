"""Administrators create cycles and move them forward one stage at a time, each move recorded."""

from datetime import date

import pytest
from sqlalchemy import select

from proposals.cycles.models import Cycle, StageTransition
from proposals.cycles.services import advance_cycle, create_cycle
from proposals.cycles.stages import ORDER, Stage
from votes.base import DomainError
from votes.people import Role

DATES = {s: date(2027, 1 + 2 * i, 1) for i, s in enumerate(Stage)}


@pytest.fixture
def cycle(db, make_user, assembly):
    admin = make_user(Role.ADMIN, name="管理员")
    found = create_cycle(db, admin, assembly=assembly, title="2027年度民生实事项目",
                         year=2027, dates=DATES)
    db.commit()
    return found


def test_admin_moves_a_cycle_through_every_stage_and_each_move_is_recorded(
    client, db, make_user, login, cycle
):
    admin = make_user(Role.ADMIN, name="王主任")
    login(admin)
    for target in ORDER[1:]:
        response = client.post(f"/admin/cycles/{cycle.id}/advance",
                               data={f"c{cycle.id}-target": target.value},
                               follow_redirects=True)
        assert response.status_code == 200
        db.refresh(cycle)
        assert cycle.stage == target.value
    moves = db.scalars(select(StageTransition).where(StageTransition.cycle_id == cycle.id)
                       .order_by(StageTransition.id)).all()
    assert [(m.from_stage, m.to_stage) for m in moves] == list(
        zip([s.value for s in ORDER], [s.value for s in ORDER[1:]], strict=False))
    assert {m.actor_id for m in moves} == {admin.id}
    page = client.get(f"/cycles/{cycle.id}").text
    assert "王主任" in page  # the public timeline says who moved it


def test_a_move_that_skips_a_stage_is_refused_and_nothing_changes(client, db, make_user,
                                                                    login, cycle):
    login(make_user(Role.ADMIN))
    response = client.post(f"/admin/cycles/{cycle.id}/advance",
                           data={f"c{cycle.id}-target": "ballot"}, follow_redirects=True)
    db.refresh(cycle)
    assert cycle.stage == "collection"
    assert ("不能跳过" in response.text) or ("no stage may be skipped" in response.text)
    assert db.scalar(select(StageTransition).where(StageTransition.cycle_id == cycle.id)) is None


def test_a_cycle_never_moves_back(db, make_user, cycle):
    admin = make_user(Role.ADMIN)
    advance_cycle(db, cycle, admin, "shortlist")
    with pytest.raises(DomainError) as refused:
        advance_cycle(db, cycle, admin, "collection")
    assert refused.value.code == "not_forward"
    assert cycle.stage == "shortlist"


def test_an_official_cannot_move_a_cycle(client, db, make_user, login, cycle):
    official = make_user(Role.OFFICIAL)
    with pytest.raises(DomainError) as refused:
        advance_cycle(db, cycle, official, "shortlist")
    assert refused.value.code == "not_admin"
    login(official)
    response = client.post(f"/admin/cycles/{cycle.id}/advance",
                           data={f"c{cycle.id}-target": "shortlist"})
    assert response.status_code == 403
    db.refresh(cycle)
    assert cycle.stage == "collection"


def test_admin_creates_a_cycle_from_the_form(client, db, make_user, login, assembly):
    login(make_user(Role.ADMIN))
    data = {"assembly_id": assembly.id, "title": "2028年度民生实事项目", "year": 2028}
    data.update({
        "collection_starts": "2028-01-01", "shortlist_starts": "2028-03-01",
        "ballot_starts": "2028-04-01", "implementation_starts": "2028-05-01",
        "evaluation_starts": "2028-11-01", "closes_on": "2028-12-31"})
    response = client.post("/admin/cycles", data=data)
    assert response.status_code == 302
    created = db.scalar(select(Cycle).where(Cycle.title == "2028年度民生实事项目"))
    assert created.stage == "collection" and created.year == 2028


def test_dates_out_of_order_are_refused_and_the_form_keeps_what_was_typed(
    client, db, make_user, login, assembly
):
    login(make_user(Role.ADMIN))
    data = {"assembly_id": assembly.id, "title": "日期颠倒的年度", "year": 2028,
            "collection_starts": "2028-05-01", "shortlist_starts": "2028-03-01",
            "ballot_starts": "2028-04-01", "implementation_starts": "2028-05-01",
            "evaluation_starts": "2028-11-01", "closes_on": "2028-12-31"}
    response = client.post("/admin/cycles", data=data)
    assert response.status_code == 200
    assert 'value="日期颠倒的年度"' in response.text
    assert db.scalar(select(Cycle).where(Cycle.title == "日期颠倒的年度")) is None
