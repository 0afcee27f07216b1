"""Fixtures for the functional tests: a cycle collecting proposals, people in every role,
an adopted candidate and its project, a completed project with raters, seated delegates.

Plain values and helpers (dates, rate_all, new_ballot, seat_council, ...) are in
tests/functional/builders.py; import them by name.
"""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest

from proposals.collection.services import ProposalDraft, follow, submit_proposal
from proposals.cycles.services import advance_cycle, create_cycle
from proposals.evaluation import rounds as evaluation
from proposals.implementation import services as implementation
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from tests.functional.builders import (
    DATES,
    DAY,
    DONE,
    START,
    TARGET,
    UNIT,
    community_place,
    live_in,
    seat_delegates,
    tellers_for,
)
from votes.casting import create_ballot, open_ballot
from votes.closing import enter_paper_totals, publish_ballot
from votes.people import Role, add_member
from votes.rules import BallotRules

# --- a cycle and people in every role ---------------------------------------------------------


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN, Role.OFFICIAL, name="管理员")


@pytest.fixture
def cycle(db, admin, assembly):
    found = create_cycle(db, admin, assembly=assembly, title="2027年度测试区民生实事项目",
                         year=2027, dates=DATES)
    db.commit()
    return found


@pytest.fixture
def resident(db, make_user):
    """A resident verified in 和平社区 (居民登记): the one who votes, rates and raises topics.
    A test of what an unverified account may do makes its own with `make_user`."""
    person = make_user(Role.RESIDENT, name="王秀英")
    live_in(db, person)
    db.commit()
    return person


@pytest.fixture
def official(make_user):
    return make_user(Role.OFFICIAL, name="张建国")


@pytest.fixture
def delegate(make_user):
    return make_user(Role.DELEGATE, name="李代表")


@pytest.fixture
def propose(db, cycle):
    """Submit a proposal through the service, as `author`, and commit; its community is
    made a record (under 测试区 长江街道) if it is not one yet."""

    def make(author, title="老旧小区加装电梯", description="六层老楼没有电梯，老人上下楼困难。",
             category="housing", community="和平社区", **extra):
        created = submit_proposal(db, author, cycle, ProposalDraft(
            title=title, description=description, category=category,
            community=community_place(db, community), **extra))
        db.commit()
        return created

    return make


# --- implementation: an adopted candidate, its unit's officials, a project -------------------


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
def evaluator(db, make_user):
    """An official of a unit that answers for none of the fixtures' projects: the one who
    opens and closes their evaluation rounds (the responsible unit never judges its own)."""
    person = make_user(Role.OFFICIAL, name="钱评价")
    person.unit = "区发改委"
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
    # The fixture skips the ballot's work: no submitted shortlist, no published result.
    advance_cycle(db, cycle, admin, "ballot", check_work=False)
    advance_cycle(db, cycle, admin, "implementation", check_work=False)
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


# --- evaluation: a completed project, raters, a ballot ----------------------------------------


@pytest.fixture
def completed(db, cycle, admin, project, unit_official, clock):
    """The project with every milestone reached while its cycle is under evaluation."""
    advance_cycle(db, cycle, admin, "evaluation")
    for milestone in list(project.milestones):
        implementation.report_progress(db, unit_official, project, reported_on=DONE,
                                       body="节点完成", milestone_id=milestone.id, today=DONE)
    # The round opened as DONE was reported: on the tests' calendar, not the machine's, so
    # how long it has been open is measured against the days the tests pass in.
    evaluation.latest_round(db, project.id).opened_at = datetime.combine(DONE, time(1), UTC)
    db.commit()
    clock(DAY)
    return project


@pytest.fixture
def residents(db, make_user):
    """make(n): n new residents, verified in 和平社区."""
    def make(n: int, prefix: str = "评价居民") -> list:
        people = [live_in(db, make_user(Role.RESIDENT, name=f"{prefix}{i}")) for i in range(n)]
        db.commit()
        return people

    return make


@pytest.fixture
def counted_ballot(db, cycle, official, adopted, delegate_seat):
    """A published paper ballot of the cycle: the adopted candidate, 1 yes of 1."""
    ballot = create_ballot(db, official, cycle.assembly, "cycle", cycle.id, "测试票决",
                           BallotRules(), [{"title": adopted.candidate.title,
                                            "cost": adopted.candidate.estimated_cost,
                                            "ref_id": adopted.candidate.id}])
    open_ballot(db, official, ballot, on=date(2027, 5, 2), tellers=tellers_for(db, ballot))
    enter_paper_totals(db, official, ballot, {ballot.options[0].id: (1, 0, 0)},
                       ballots_cast=1, present=1)
    publish_ballot(db, official, ballot)
    db.commit()
    return ballot


# --- ballots ----------------------------------------------------------------------------------


@pytest.fixture
def delegates(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 5)
