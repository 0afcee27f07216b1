"""The home page answers a visitor's first question: this year's projects, with their progress
and satisfaction, how many proposals were heard and adopted, and where each cycle stands."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from proposals.evaluation.models import EvaluationRound, RatingCount
from proposals.implementation.models import Milestone, ProgressReport, Project
from proposals.shortlist.models import Candidate
from tests.functional.builders import START, TARGET, UNIT, rate_all, statements_on


def english(client, path: str = "/") -> str:
    client.get("/lang/en")
    response = client.get(path)
    assert response.status_code == 200
    return response.text


def card(page: str, element_id: str) -> str:
    """The words of one cycle's or project's card: from its id to the next card's."""
    start = page.find(f'id="{element_id}"')
    assert start >= 0, f"no card {element_id}"
    ends = [page.find(mark, start + 1) for mark in
            ('<li class="now-card"', '<li class="project-card"', "</section>")]
    end = min(e for e in ends if e >= 0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:end]))


@pytest.fixture
def declined(propose, resident):
    """A third proposal of the cycle, heard but never adopted."""
    return propose(resident, title="背街小巷路灯改造", category="transport")


def test_the_year_s_projects_with_progress_satisfaction_and_counts(
        client, db, declined, completed, residents):
    rate_all(db, completed, residents(3), ["satisfied", "basically_satisfied", "dissatisfied"])
    page = english(client)

    assert "Livelihood projects of 2027" in page
    figures = re.sub(r"<[^>]+>|\s+", " ", page[page.index('class="home-figures"'):
                                               page.index("</dl>")])
    assert re.search(r"Proposals heard\s+3\b", figures), figures
    assert re.search(r"Proposals adopted\s+2\b", figures), figures
    assert re.search(r"Projects\s+1\b", figures), figures

    project = card(page, f"project-{completed.id}")
    assert completed.title in project
    assert "100%" in project and "Completed" in project
    assert "Satisfaction rate: 66.7%" in project and "3 ratings" in project
    assert "Rating open" in project
    assert f'href="/projects/{completed.id}/evaluation"' in page


def test_where_the_cycle_stands_and_what_residents_can_do(client, completed):
    now = card(english(client), f"cycle-{completed.cycle_id}")
    assert "Now: Evaluation" in now
    # The evaluation stage runs until the planned close (the fixture's cycle: Sep 1 to Nov 1).
    assert "planned Sep 1, 2027 to Nov 1, 2027" in now
    assert "Rate projects" in now and "Cycle report" in now


def test_a_project_under_way_shows_how_late_it_is_and_is_not_rated_yet(client, project, clock):
    clock(date(2027, 11, 20))  # three weeks past its target, nothing reported
    shown = card(english(client), f"project-{project.id}")
    assert "0%" in shown and "Delayed" in shown
    assert re.search(r"\d+ days late", shown), shown
    assert "Rating opens when the project is completed." in shown
    assert "Satisfaction rate" not in shown


def test_a_cycle_collecting_proposals_invites_them_and_says_no_project_yet(client, cycle, clock):
    page = english(client)
    assert "Now: Proposal collection" in card(page, f"cycle-{cycle.id}")
    assert f'href="/resident/cycles/{cycle.id}/propose"' in page
    assert "No project has been adopted for 2027 yet." in page


def test_without_any_cycle_the_page_says_so(client):
    page = english(client)
    assert "No cycle has been opened yet." in page
    assert "Livelihood projects of" not in page and "home-figures" not in page


def test_a_closed_cycle_s_year_is_still_shown_when_no_cycle_runs(client, db, completed, admin):
    completed.cycle.stage = "closed"
    db.commit()
    page = english(client)
    assert "Every cycle is closed." in page
    assert "Livelihood projects of 2027" in page and completed.title in page


# --- the number of statements does not grow with the rows ---------------------------------



def add_rated_projects(db, like: Project, n: int) -> None:
    """n more projects of the cycle, each with milestones, reports and a rated round."""
    for i in range(n):
        candidate = Candidate(cycle_id=like.cycle_id, title=f"候选项目{i}", description="说明",
                              responsible_unit=UNIT, estimated_cost=100_000,
                              funding_source="区级财政", expected_completion=TARGET,
                              location="长江街道", created_by_id=like.created_by_id)
        db.add(candidate)
        db.flush()
        project = Project(cycle_id=like.cycle_id, candidate_id=candidate.id, title=f"项目{i}",
                          responsible_unit=UNIT, lead_official_id=like.lead_official_id,
                          category="housing", location="长江街道", budget=100_000,
                          start_date=START, target_date=TARGET, created_by_id=like.created_by_id)
        db.add(project)
        db.flush()
        db.add_all([Milestone(project_id=project.id, position=1, title="设计",
                              target_date=TARGET, weight=1, done_on=START),
                    ProgressReport(project_id=project.id, author_id=like.lead_official_id,
                                   reported_on=START, body="开工", progress_after=100)])
        db.add(EvaluationRound(project_id=project.id, round_no=1,
                               opened_at=datetime(2027, 9, 16, tzinfo=UTC)))
        db.flush()
        db.add_all([RatingCount(project_id=project.id, round_no=1, rater_kind=kind,
                                level=level, n=i + 1)
                    for kind in ("delegate", "resident")
                    for level in ("satisfied", "dissatisfied")])
    db.commit()


def test_the_home_page_s_statements_do_not_grow_with_the_projects(
        client, db, connection, completed, residents):
    rate_all(db, completed, residents(2), ["satisfied", "dissatisfied"])
    client.get("/")  # the first request of a client may load what later ones keep
    with statements_on(connection) as few:
        assert client.get("/").status_code == 200
    add_rated_projects(db, completed, 5)
    with statements_on(connection) as many:
        page = client.get("/").text
    assert "项目4" in page  # the new projects are shown, with their counts
    assert len(many) == len(few), "\n".join(many)
