"""The demo's projects: made for adopted candidates, with a varied history, and made only once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import app.models
from app.auth import passwords
from app.demo import seed as demo
from app.demo.projects import DEMO_TODAY, seed_projects
from proposals.implementation import services as implementation
from proposals.implementation import supervision
from proposals.implementation.models import (
    Escalation,
    FollowUp,
    Inspection,
    ProgressReport,
    Project,
)
from votes.people import find_user


@pytest.fixture(scope="module")
def session():
    passwords.use_light_parameters()
    engine = create_engine("sqlite://")
    app.models.metadata.create_all(engine)
    with Session(engine) as session:
        summary = demo.seed(session, password="demo-pass-2027")  # seeds the projects too
        session.commit()
        session.info["made"] = int(summary.rsplit(" projects under way", 1)[0].split()[-1])
        yield session


def test_every_adopted_candidate_of_a_cycle_in_implementation_or_later_has_a_project(session):
    projects = session.scalars(select(Project)).all()
    assert session.info["made"] == len(projects) == 10 + 10 + 10 + 5
    assert all(implementation.is_adopted(p.candidate) for p in projects)
    assert {p.cycle.stage for p in projects} == {"implementation", "evaluation", "closed"}


def test_demo_officials_get_their_units_and_lead_projects(session):
    assert find_user(session, "official3").unit == "区住建委"
    assert find_user(session, "official4").unit == "长江街道办事处"
    leads = {p.lead_official.username for p in session.scalars(select(Project))}
    assert leads <= {"official1", "official3", "official4", "official5"}


def test_the_tour_official_leads_a_project_under_way_and_can_report_its_progress(session):
    """The README's tour signs in as official1; it leads one project, of no rated cycle."""
    office = find_user(session, "official1")
    led = session.scalars(select(Project).where(Project.lead_official_id == office.id)).all()
    assert len(led) == 1
    (project,) = led
    assert project.cycle.stage == "implementation" and project.completed_on is None
    assert implementation.standing(project, DEMO_TODAY).status.value == "in_progress"
    assert implementation.may_report(office, project)
    with session.begin_nested() as trial:
        next_step = next(m for m in project.milestones if m.done_on is None)
        implementation.report_progress(session, office, project, reported_on=DEMO_TODAY,
                                       today=DEMO_TODAY, body="演示：节点完成",
                                       milestone_id=next_step.id)
        trial.rollback()


def test_the_projects_tell_a_varied_story(session):
    statuses = Counter(implementation.standing(p, DEMO_TODAY).status.value
                       for p in session.scalars(select(Project)))
    assert statuses["completed"] >= 20 and statuses["delayed"] >= 1
    assert session.scalar(select(func.count(ProgressReport.id))) > 100
    assert session.scalar(select(Project).where(Project.progress_mode == "manual"))
    assert session.scalar(select(func.count(Inspection.id))) == 4
    assert session.scalar(select(func.count(FollowUp.id)).where(FollowUp.answer.is_(None))) == 1
    escalation = session.scalar(select(Escalation))
    assert escalation.answer and escalation.project.completed_on is None
    listed = supervision.supervision_list(session, None, DEMO_TODAY)
    assert escalation.project in [row.project for row in listed]


def test_reports_keep_their_order_and_spending_never_falls(session):
    for project in session.scalars(select(Project)):
        days = [r.reported_on for r in project.reports]
        assert days == sorted(days) and all(d <= DEMO_TODAY for d in days)
        spent = [r.spend_to_date for r in project.reports if r.spend_to_date is not None]
        assert spent == sorted(spent)


def test_a_second_run_adds_nothing(session):
    before = session.scalar(select(func.count(ProgressReport.id)))
    assert seed_projects(session, DEMO_TODAY) == 0
    session.flush()
    assert session.scalar(select(func.count(ProgressReport.id))) == before
