"""Builders for evaluation tests (`import *` them): a completed project, raters, a ballot."""

from datetime import date

import pytest

from proposals.cycles.services import advance_cycle
from proposals.evaluation import rating
from proposals.evaluation.rounds import latest_round
from proposals.implementation import services as implementation
from tests.functional import project_builders
from tests.functional.project_builders import *  # noqa: F403
from votes.casting import create_ballot, open_ballot
from votes.closing import enter_paper_totals, publish_ballot
from votes.people import Role
from votes.rules import BallotRules

__all__ = ["DAY", "completed", "counted_ballot", "rate_all", "residents",
           *project_builders.__all__]

DONE = date(2027, 9, 15)  # every milestone reached; the cycle is under evaluation by then
DAY = date(2027, 9, 20)  # the day raters rate


@pytest.fixture
def completed(db, cycle, admin, project, unit_official, clock):
    """The project with every milestone reached while its cycle is under evaluation."""
    advance_cycle(db, cycle, admin, "evaluation")
    for milestone in list(project.milestones):
        implementation.report_progress(db, unit_official, project, reported_on=DONE,
                                       body="节点完成", milestone_id=milestone.id, today=DONE)
    db.commit()
    clock(DAY)
    return project


@pytest.fixture
def residents(make_user):
    """make(n): n new residents."""
    def make(n: int, prefix: str = "评价居民") -> list:
        return [make_user(Role.RESIDENT, name=f"{prefix}{i}") for i in range(n)]

    return make


def rate_all(db, project, people, levels, comment=None) -> None:
    for person, level in zip(people, levels, strict=True):
        rating.rate(db, person, project, level, comment, today=DAY)
    db.commit()


@pytest.fixture
def counted_ballot(db, cycle, official, adopted, delegate_seat):
    """A published paper ballot of the cycle: the adopted candidate, 1 yes of 1."""
    ballot = create_ballot(db, official, cycle.assembly, "cycle", cycle.id, "测试票决",
                           BallotRules(), [{"title": adopted.candidate.title,
                                            "cost": adopted.candidate.estimated_cost,
                                            "ref_id": adopted.candidate.id}])
    open_ballot(db, official, ballot, on=date(2027, 5, 2))
    enter_paper_totals(db, official, ballot, {ballot.options[0].id: (1, 0, 0)},
                       ballots_cast=1, present=1)
    publish_ballot(db, official, ballot)
    db.commit()
    return ballot


def test_the_builder_completes_the_project_and_its_first_round_opens(db, completed):
    assert completed.completed_on == DONE
    first = latest_round(db, completed.id)
    assert (first.round_no, first.is_open, first.opened_by_id) == (1, True, None)
