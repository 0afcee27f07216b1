"""Benchmark: seed 1,000,000 ratings across 50 projects, then time results pages and rating.

Prints the median (p50) and 95th percentile of the server time (in-process, through the
WSGI test client) of the cycle's report page, a project's evaluation page, the satisfaction
API, and a rating submission (POST of the rating form: new ratings and changed ones).

    .venv/bin/python benchmarks/bench_evaluation.py                      # SQLite, 1,000,000
    .venv/bin/python benchmarks/bench_evaluation.py --ratings 100000     # smaller
    .venv/bin/python benchmarks/bench_evaluation.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench     # emptied first
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app import create_app  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from proposals.cycles.services import create_cycle  # noqa: E402
from proposals.cycles.stages import Stage  # noqa: E402
from proposals.evaluation.models import EvaluationRound, RatingCount  # noqa: E402
from proposals.evaluation.satisfaction import Level, RaterKind  # noqa: E402
from proposals.implementation.models import Project  # noqa: E402
from proposals.shortlist.models import Candidate  # noqa: E402
from votes.people import Assembly, Role, User, UserRole, register_user  # noqa: E402

NO_LOGIN = "!"  # not a hash any password matches: benchmark accounts cannot sign in
WEIGHTS = (60, 28, 12)  # satisfied, basically satisfied, dissatisfied
CHUNK = 50_000
INSERT_RATINGS = ("INSERT INTO ratings (project_id, round_no, user_id, rater_kind, level,"
                  " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
COPY_RATINGS = ("COPY ratings (project_id, round_no, user_id, rater_kind, level, created_at,"
                " updated_at) FROM STDIN")


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    return f"{statistics.median(values):9.1f}{p95:9.1f}"


def _reset(url: str):
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    return engine


def _people(session: Session, count: int) -> list[int]:
    """Residents in bulk: one account per rater of the busiest project, plus spares."""
    for start in range(0, count, CHUNK):
        session.execute(insert(User), [
            {"username": f"r{i}", "display_name": f"居民{i}", "password_hash": NO_LOGIN,
             "active": True, "created_at": datetime(2027, 1, 1, tzinfo=UTC)}
            for i in range(start, min(count, start + CHUNK))])
    ids = list(session.scalars(select(User.id).where(User.username.like("r%"))
                               .order_by(User.id)))
    for start in range(0, len(ids), CHUNK):
        session.execute(insert(UserRole), [{"user_id": i, "role": Role.RESIDENT.value}
                                           for i in ids[start:start + CHUNK]])
    return ids


def _projects(session: Session, admin: User, cycle_id: int, count: int) -> list[int]:
    session.execute(insert(Candidate), [
        {"cycle_id": cycle_id, "title": f"基准项目{i}", "description": "说明",
         "responsible_unit": "区住建委", "estimated_cost": 1_000_000, "funding_source": "区财政",
         "policy_basis": "", "feasibility": "", "expected_completion": date(2027, 10, 1),
         "location": "基准区", "created_by_id": admin.id, "withdrawn": False,
         "created_at": datetime(2027, 3, 1, tzinfo=UTC)} for i in range(count)])
    candidates = session.scalars(select(Candidate.id).order_by(Candidate.id)).all()
    session.execute(insert(Project), [
        {"cycle_id": cycle_id, "candidate_id": cid, "title": f"基准项目{i}",
         "responsible_unit": "区住建委", "lead_official_id": admin.id,
         "category": ("housing", "transport", "elderly_care", "education")[i % 4],
         "location": "基准区", "budget": 1_000_000, "start_date": date(2027, 3, 1),
         "target_date": date(2027, 10, 1), "progress_mode": "manual", "manual_progress": 100,
         "manual_reason": "基准", "report_interval_days": 30, "completed_on": date(2027, 9, 1),
         "rectifying": False, "created_by_id": admin.id,
         "created_at": datetime(2027, 3, 1, tzinfo=UTC)} for i, cid in enumerate(candidates)])
    projects = session.scalars(select(Project.id).order_by(Project.id)).all()
    opened = datetime(2027, 9, 2, tzinfo=UTC)
    session.execute(insert(EvaluationRound), [
        {"project_id": pid, "round_no": 1, "opened_at": opened} for pid in projects])
    session.execute(insert(RatingCount), [
        {"project_id": pid, "round_no": 1, "rater_kind": kind.value, "level": level.value,
         "n": 0} for pid in projects for kind in RaterKind for level in Level])
    return list(projects)


def _write_ratings(session: Session, rows: list[tuple]) -> None:
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # COPY: the fastest way in
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(COPY_RATINGS) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        connection.exec_driver_sql(INSERT_RATINGS, rows)


def seed(url: str, ratings: int, projects: int) -> dict:
    engine = _reset(url)
    started = time.perf_counter()
    rng = random.Random(8)
    with Session(engine) as session:
        admin = register_user(session, username="bench", display_name="基准",
                              password_hash=NO_LOGIN, roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="基准区人大", area="基准区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        session.add(assembly)
        dates = {s: date(2027, 1 + 2 * i, 1) for i, s in enumerate(Stage)}
        cycle = create_cycle(session, admin, assembly=assembly, title="基准年度", year=2027,
                             dates=dates)
        cycle.stage = Stage.EVALUATION.value
        session.flush()
        per_project = -(-ratings // projects)
        people = _people(session, per_project + 2_000)  # spares rate during the benchmark
        project_ids = _projects(session, admin, cycle.id, projects)
        session.commit()
        tally: Counter = Counter()
        levels, kinds = list(Level), (RaterKind.DELEGATE.value, RaterKind.RESIDENT.value)
        when = datetime(2027, 9, 10, tzinfo=UTC)
        rows, written = [], 0
        for index in range(ratings):
            pid, person = project_ids[index % projects], people[index // projects]
            kind = kinds[index % 97 == 0]  # about 1% delegates, the rest residents
            level = rng.choices(levels, WEIGHTS)[0].value
            rows.append((pid, 1, person, kind, level, when, when))
            tally[(pid, kind, level)] += 1
            if len(rows) == CHUNK:
                _write_ratings(session, rows)
                written += len(rows)
                rows = []
        if rows:
            _write_ratings(session, rows)
        for (pid, kind, level), n in tally.items():
            session.execute(update(RatingCount).where(
                RatingCount.project_id == pid, RatingCount.round_no == 1,
                RatingCount.rater_kind == kind, RatingCount.level == level).values(n=n))
        session.commit()
        session.execute(text("ANALYZE"))  # fresh statistics, as a live database would have
        session.commit()
        return {"cycle": cycle.id, "projects": project_ids, "spares": people[per_project:],
                "raters": people[:per_project], "seconds": time.perf_counter() - started}


def timed(client, method: str, url: str, **kwargs) -> float:
    started = time.perf_counter()
    response = client.open(url, method=method, **kwargs)
    took = (time.perf_counter() - started) * 1000
    assert response.status_code == (302 if method == "POST" else 200), (url, response.status_code)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="yishi-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    seeded = seed(url, args.ratings, args.projects)
    print(f"seeded {args.ratings:,} ratings of {args.projects} projects into "
          f"{url.split('://')[0]} in {seeded['seconds']:.1f} s")
    app = create_app(overrides={"WTF_CSRF_ENABLED": False, "TODAY": date(2027, 9, 20)},
                     environ={"YISHI_ENV": "testing", "SECRET_KEY": "b" * 40,
                              "YISHI_INSTANCE": str(workdir), "DATABASE_URL": url})
    client = app.test_client()
    rng = random.Random(12)
    n, cycle, projects = args.requests, seeded["cycle"], seeded["projects"]
    pages = {
        "report (/cycles/<id>/report)": [f"/cycles/{cycle}/report"] * n,
        "project evaluation page": [f"/projects/{rng.choice(projects)}/evaluation"
                                    for _ in range(n)],
        "API /satisfaction?cycle=": [f"/api/v1/satisfaction?cycle={cycle}"] * n,
    }
    print(f"{'':<34}{'p50 ms':>9}{'p95 ms':>9}   ({n} requests each)")
    for name, urls in pages.items():
        for url_ in urls[:5]:
            client.get(url_)  # warm up
        print(f"{name:<34}{ms([timed(client, 'GET', u) for u in urls])}")
    for label, people in (("rate: a new rating (POST)", seeded["spares"]),
                          ("rate: change a rating (POST)", seeded["raters"])):
        times = []
        for person in rng.sample(people, n):
            with client.session_transaction() as session:
                session["_user_id"], session["_fresh"] = str(person), True
            level = rng.choice(list(Level)).value
            times.append(timed(client, "POST", f"/resident/evaluation/{rng.choice(projects)}",
                               data={"level": level}))
        print(f"{label:<34}{ms(times)}")


if __name__ == "__main__":
    main()
