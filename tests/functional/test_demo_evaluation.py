"""The demo's evaluation: rated projects, closed rounds, one rectification story, made once."""

import re

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import app.models
from app.auth import passwords
from app.demo import seed as demo
from app.demo.evaluation import seed_evaluation
from app.demo.projects import DEMO_TODAY
from proposals.cycles.models import Cycle
from proposals.evaluation.models import Rating, RatingCount, RectificationReport
from proposals.implementation.models import Project
from proposals.opendata import datasets as opendata


@pytest.fixture(scope="module")
def session():
    passwords.use_light_parameters()
    engine = create_engine("sqlite://")
    app.models.metadata.create_all(engine)
    with Session(engine) as session:
        summary = demo.seed(session, password="demo-pass-2027")  # rates the projects too
        session.info["rated"] = int(re.search(r"(\d+) projects rated", summary).group(1))
        assert seed_evaluation(session, DEMO_TODAY) == 0  # a second run adds nothing
        session.commit()
        yield session


def test_completed_projects_of_cycles_under_evaluation_or_closed_are_rated(session):
    assert session.info["rated"] >= 20
    closed = session.scalars(select(Cycle).where(Cycle.stage == "closed")).all()
    for cycle in closed:
        assert {r.state for r in opendata.round_results(session, cycle.id, latest_only=True)
                } == {"met_bar"}
    under = session.scalar(select(Cycle).where(Cycle.stage == "evaluation"))
    states = [r.state for r in opendata.round_results(session, under.id, latest_only=True)]
    assert states.count("open") == len(states)


def test_one_project_tells_the_rectification_story(session):
    (rectifying,) = session.scalars(select(Project).where(Project.rectifying.is_(True))).all()
    rounds = opendata.round_results(session, rectifying.cycle_id)
    mine = [r.state for r in rounds if r.project_id == rectifying.id]
    assert mine == ["below_bar", "open"]
    assert session.scalar(select(RectificationReport.project_id)) is not None


def test_counters_match_the_ratings(session):
    counted = session.scalar(select(func.sum(RatingCount.n)))
    assert counted == session.scalar(select(func.count(Rating.id))) > 1000


def test_a_second_run_adds_nothing(session):
    before = session.scalar(select(func.count(Rating.id)))
    assert seed_evaluation(session, DEMO_TODAY) == 0
    session.flush()
    assert session.scalar(select(func.count(Rating.id))) == before
