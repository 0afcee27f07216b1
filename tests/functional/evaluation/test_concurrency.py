"""Many residents rating at once, some pressing again with another level: the counters hold."""

from __future__ import annotations

import os
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import upgrade
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import Rating
from proposals.evaluation.satisfaction import RaterKind
from proposals.implementation.models import Project
from proposals.shortlist.models import Candidate
from tests.functional.builders import live_in
from votes.casting import begin_write
from votes.people import Assembly, Role, User, register_user

RESIDENTS = 30
WORKERS = 16
NAME = "test_eval_concurrency"  # its own database: the shared test database sees nothing
DAY = date(2027, 9, 20)
LEVELS = ("satisfied", "basically_satisfied", "dissatisfied")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated, empty database that concurrent sessions really share, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ratings.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {NAME}"))
    url = make_url(server).set(database=NAME).render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url, pool_size=WORKERS)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
    admin.dispose()


def completed_project(engine) -> tuple[int, list[int]]:
    with Session(engine, expire_on_commit=False) as s:
        official = register_user(s, username="official", display_name="工作人员",
                                 password_hash="-", roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="并发区人大", area="并发区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        s.add(assembly)
        people = [register_user(s, username=f"r{i}", display_name=f"居民{i}", password_hash="-")
                  for i in range(RESIDENTS)]
        s.flush()
        for person in people:
            live_in(s, person)
        cycle = create_cycle(s, official, assembly=assembly, title="并发年度", year=2027,
                             dates={st: date(2027, 1 + 2 * i, 1) for i, st in enumerate(Stage)})
        candidate = Candidate(cycle_id=cycle.id, title="并发项目", description="说明",
                              responsible_unit="区住建委", estimated_cost=100,
                              funding_source="区财政", expected_completion=date(2027, 9, 1),
                              location="某地", created_by_id=official.id)
        s.add(candidate)
        s.flush()
        project = Project(cycle_id=cycle.id, candidate_id=candidate.id, title="并发项目",
                          responsible_unit="区住建委", lead_official_id=official.id,
                          category="other", location="某地", budget=100,
                          start_date=date(2027, 3, 1), target_date=date(2027, 9, 1),
                          completed_on=date(2027, 9, 1), created_by_id=official.id)
        s.add(project)
        s.flush()
        # The lead official answers for the project; an official of another unit opens it.
        evaluator = register_user(s, username="evaluator", display_name="评价人",
                                  password_hash="-", roles=(Role.OFFICIAL,))
        evaluation.open_round(s, evaluator, project)
        s.commit()
        return project.id, [p.id for p in people]


# Each thread has its own Session on a real engine with committed data, not the savepoint
# fixture: on a SQLite file, and on a PostgreSQL database of its own when one is given.
def press(engine, start: threading.Event, project_id: int, user_id: int, level: str) -> str:
    start.wait()
    with Session(engine, expire_on_commit=False) as s:
        s.commit()
        begin_write(s)  # as the view does: the write lock first
        person, project = s.get(User, user_id), s.get(Project, project_id)
        rating.rate(s, person, project, level, today=DAY)
        s.commit()
        return level


def test_every_resident_ends_with_one_rating_and_the_counters_match_it(database):
    project_id, people = completed_project(database)
    rng = random.Random(3)
    jobs = [(project_id, person, rng.choice(LEVELS)) for person in people for _ in range(3)]
    rng.shuffle(jobs)
    start = threading.Event()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(press, database, start, *job) for job in jobs]
        start.set()
        assert len([f.result() for f in futures]) == len(jobs)
    with Session(database) as s:
        assert s.scalar(select(func.count(Rating.id))) == RESIDENTS
        actual = Counter(s.scalars(select(Rating.level)))
        counted = evaluation.counts(s, project_id, 1)[RaterKind.RESIDENT]
        assert {level: getattr(counted, level) for level in LEVELS} == {
            level: actual[level] for level in LEVELS}
