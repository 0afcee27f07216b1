"""Builders for implementation tests: an adopted candidate, its unit's officials, a project.

Test modules take these fixtures with `from tests.functional.project_builders import *`.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from proposals.collection.services import follow
from proposals.cycles.services import advance_cycle
from proposals.implementation import services as implementation
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from votes.people import Role, add_member

__all__ = ["UNIT", "adopted", "clock", "delegate_seat", "other_official", "project",
           "unit_official"]

UNIT = "区住建委"
# The cycle fixture's implementation stage runs from 2027-07-01 to 2027-09-01.
START, TARGET = date(2027, 7, 1), date(2027, 10, 31)


@pytest.fixture
def clock(app):
    """Fix the pages' today: clock(date) moves it; it starts on 2027-08-01."""
    def set_to(day: date) -> date:
        app.config["TODAY"] = day
        return day

    set_to(date(2027, 8, 1))
    return set_to


@pytest.fixture
def unit_official(db, make_user):
    person = make_user(Role.OFFICIAL, name="王科长")
    person.unit = UNIT
    db.commit()
    return person


@pytest.fixture
def other_official(db, make_user):
    person = make_user(Role.OFFICIAL, name="赵干事")
    person.unit = "区教委"
    db.commit()
    return person


@pytest.fixture
def delegate_seat(db, admin, assembly, make_user):
    """A delegate seated in the cycle's assembly."""
    person = make_user(Role.DELEGATE, name="孙代表")
    add_member(db, assembly, person, admin, joined_on=date(2024, 1, 1))
    db.commit()
    return person


@pytest.fixture
def adopted(db, cycle, admin, official, resident, make_user, propose):
    """A candidate adopted by the ballot, from two proposals; a resident follows one of them."""
    lift = propose(resident, title="老旧小区加装电梯")
    lift2 = propose(make_user(Role.RESIDENT), title="为我们楼加装电梯")
    fan = make_user(Role.RESIDENT, name="关注者")
    follow(db, fan, lift)
    advance_cycle(db, cycle, admin, "shortlist")
    candidate = shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title="和平社区老旧小区加装电梯", description="为 6 栋六层住宅加装电梯。",
        responsible_unit=UNIT, estimated_cost=3_500_000, funding_source="区级财政",
        expected_completion=TARGET, location="长江街道和平社区"), [lift.id, lift2.id])
    advance_cycle(db, cycle, admin, "ballot")
    advance_cycle(db, cycle, admin, "implementation")
    for proposal in (lift, lift2):
        proposal.status = "adopted"  # what the ballot's result does to its sources
    db.commit()
    return SimpleNamespace(candidate=candidate, proposals=(lift, lift2), fan=fan)


@pytest.fixture
def project(db, adopted, unit_official, official):
    """The adopted candidate under way: three weighted milestones, none reached yet."""
    created = implementation.create_project(
        db, official, adopted.candidate, lead_official=unit_official, start_date=START,
        target_date=TARGET, milestones=[
            MilestoneDraft("完成设计和招标", date(2027, 7, 31), 1),
            MilestoneDraft("电梯井道施工", date(2027, 9, 30), 2),
            MilestoneDraft("竣工验收", TARGET, 1),
        ])
    db.commit()
    return created
