"""Seed one database at the scale of a city for scripts/bench.sh, in bulk, in a few minutes.

100,000 proposals, 1,000 delegates, 50 completed projects with 1,000,000 ratings, a cycle
in its evaluation stage (so its report has every section), a published cycle ballot sealed
for three tellers, an open ballot the delegates cast over HTTP, and residents who may sign
in and rate. Reuses the seeding of bench_proposals.py and bench_evaluation.py.

    .venv/bin/python benchmarks/seed_scale.py sqlite:////tmp/x/bench.db --out seeded.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from argon2 import PasswordHasher  # noqa: E402
from bench_evaluation import _people, _projects, _reset, _write_ratings  # noqa: E402
from bench_proposals import insert_proposals, settle  # noqa: E402
from sqlalchemy import insert, select, text, update  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from proposals.cycles.services import create_cycle  # noqa: E402
from proposals.cycles.stages import Stage  # noqa: E402
from proposals.evaluation.models import EvaluationRound, RatingCount  # noqa: E402
from proposals.evaluation.satisfaction import Level, RaterKind  # noqa: E402
from proposals.implementation.models import Project  # noqa: E402
from proposals.shortlist.models import Candidate  # noqa: E402
from votes import casting, closing  # noqa: E402
from votes.ballots import Ballot  # noqa: E402
from votes.people import Assembly, Membership, Role, User, UserRole, register_user  # noqa: E402
from votes.rules import BallotRules  # noqa: E402

PASSWORD = "benchmark-password"  # noqa: S105  (throwaway accounts in a temp database)
TELLER_PASSPHRASE = "benchmark-teller-passphrase"  # noqa: S105
PROJECTS = 50
OPTIONS = 20
CHUNK = 50_000


def _delegates(session: Session, assembly_id: int, count: int, hashed: str) -> list[int]:
    session.execute(insert(User), [
        {"username": f"d{i:04d}", "display_name": f"代表{i:04d}", "password_hash": hashed,
         "active": True, "created_at": datetime(2026, 1, 1, tzinfo=UTC)} for i in range(count)])
    ids = list(session.scalars(select(User.id).where(User.username.like("d%"))
                               .order_by(User.id)))
    session.execute(insert(UserRole), [{"user_id": i, "role": Role.DELEGATE.value} for i in ids])
    session.execute(insert(Membership), [
        {"assembly_id": assembly_id, "user_id": i, "joined_on": date(2024, 1, 1)} for i in ids])
    return ids


def _ratings(session: Session, projects: list[int], people: list[int], count: int) -> None:
    """`count` ratings spread over the projects, with the per-level counts kept in step."""
    rng = random.Random(8)
    tally: dict[tuple, int] = {}
    levels, kinds = list(Level), (RaterKind.DELEGATE.value, RaterKind.RESIDENT.value)
    when = datetime.now(UTC) - timedelta(days=10)
    rows = []
    for index in range(count):
        pid, person = projects[index % len(projects)], people[index // len(projects)]
        kind = kinds[index % 97 != 0]  # about 1% delegates, the rest residents
        level = rng.choices(levels, (60, 28, 12))[0].value
        rows.append((pid, 1, person, kind, level, when, when))
        tally[(pid, kind, level)] = tally.get((pid, kind, level), 0) + 1
        if len(rows) == CHUNK:
            _write_ratings(session, rows)
            rows = []
    if rows:
        _write_ratings(session, rows)
    for (pid, kind, level), n in tally.items():
        session.execute(update(RatingCount).where(
            RatingCount.project_id == pid, RatingCount.round_no == 1,
            RatingCount.rater_kind == kind, RatingCount.level == level).values(n=n))


def _published_ballot(session: Session, official: User, cycle, tellers: list[User],
                      delegates: list[int]) -> int:
    """The cycle's ballot on its first candidates: sealed, cast by every delegate, counted
    with two of the three tellers' passphrases and published."""
    candidates = session.scalars(select(Candidate).where(Candidate.cycle_id == cycle.id)
                                 .order_by(Candidate.id).limit(OPTIONS)).all()
    ballot = casting.create_ballot(
        session, official, cycle.assembly, casting.CYCLE_BALLOT, cycle.id, "基准年度代表票决",
        BallotRules(seats=5),
        [{"ref_id": c.id, "title": c.title, "cost": c.estimated_cost,
          "unit": c.responsible_unit, "description": c.description} for c in candidates])
    casting.open_ballot(session, official, ballot, on=cycle.ballot_starts,
                        tellers=[(t, TELLER_PASSPHRASE) for t in tellers], threshold=2)
    session.commit()
    rng = random.Random(9)
    option_ids = [o.id for o in ballot.options]
    for voter_id in delegates:
        marks = {o: rng.choice(("yes", "yes", "no", "abstain")) for o in option_ids}
        casting.cast_ballot(session, ballot.id, session.get(User, voter_id), marks)
        session.commit()
    closing.close_ballot(session, official, ballot,
                         unlock={t.id: TELLER_PASSPHRASE for t in tellers[:2]})
    session.commit()
    closing.publish_ballot(session, official, session.get(Ballot, ballot.id))
    session.commit()
    return ballot.id


def _open_ballot(session: Session, official: User, assembly: Assembly) -> int:
    """The ballot the delegates cast over HTTP (bench_ballot_http.py's: 20 options, secret)."""
    ballot = casting.create_ballot(
        session, official, assembly, "motion", None, "基准票决", BallotRules(seats=5),
        [{"title": f"候选项目{i + 1}", "cost": 1_000_000} for i in range(OPTIONS)])
    session.commit()
    casting.open_ballot(session, official, ballot)
    session.commit()
    return ballot.id


def seed(url: str, proposals: int, delegates: int, ratings: int, raters: int) -> dict:
    if url.startswith("sqlite:///"):  # a fresh file (PostgreSQL's schema is dropped by _reset)
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    engine = _reset(url)
    started = time.perf_counter()
    hashed = PasswordHasher().hash(PASSWORD)  # one hash, the app's costs: shared by everyone
    today = date.today()
    with Session(engine) as session:
        official = register_user(session, username="bench", display_name="基准",
                                 password_hash=hashed, roles=(Role.ADMIN, Role.OFFICIAL))
        tellers = [register_user(session, username=f"teller{i}", display_name=f"监票人{i}",
                                 password_hash=hashed, roles=(Role.OFFICIAL,))
                   for i in range(3)]
        assembly = Assembly(kind="congress", name="基准区人大", area="基准区",
                            term_start=today - timedelta(days=900),
                            term_end=today + timedelta(days=900))
        session.add(assembly)
        # Every stage begun in the past: the cycle is being evaluated now.
        dates = {s: today - timedelta(days=300 - 50 * i) for i, s in enumerate(Stage)}
        dates[Stage.CLOSED] = today + timedelta(days=60)
        cycle = create_cycle(session, official, assembly=assembly, title="基准年度",
                             year=today.year, dates=dates)
        session.flush()
        insert_proposals(session, cycle.id, official.id, proposals)
        delegate_ids = _delegates(session, assembly.id, delegates, hashed)
        per_project = -(-ratings // PROJECTS)
        people = _people(session, per_project + raters)
        session.execute(update(User).where(User.id.in_(people[per_project:]))
                        .values(password_hash=hashed))
        project_ids = _projects(session, official, cycle.id, PROJECTS)
        done = today - timedelta(days=40)
        session.execute(update(Project).values(
            start_date=today - timedelta(days=200), target_date=today - timedelta(days=30),
            completed_on=done, created_at=datetime.now(UTC) - timedelta(days=200)))
        session.execute(update(EvaluationRound).values(
            opened_at=datetime.now(UTC) - timedelta(days=30)))
        session.commit()
        ballot_id = _published_ballot(session, official, cycle, tellers, delegate_ids)
        open_id = _open_ballot(session, official, assembly)
        _ratings(session, project_ids, people, ratings)
        cycle.stage = Stage.EVALUATION.value
        session.commit()
        settle(engine)
        first_proposal = session.scalar(select(text("min(id)")).select_from(text("proposals")))
        seeded = {
            "proposals": proposals, "delegates": delegates, "ratings": ratings,
            "cycle": cycle.id, "projects": project_ids, "published_ballot": ballot_id,
            "open_ballot": open_id, "proposal": first_proposal + proposals // 2,
            "raters": [f"r{k}" for k in range(per_project, len(people))],  # _people's names
            "password": PASSWORD,
        }
    engine.dispose()
    seeded["seconds"] = round(time.perf_counter() - started, 1)
    return seeded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--delegates", type=int, default=1_000)
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--raters", type=int, default=200, help="residents who rate over HTTP")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    seeded = seed(args.database_url, args.proposals, args.delegates, args.ratings, args.raters)
    out = json.dumps(seeded, ensure_ascii=False)
    if args.out:
        args.out.write_text(out)
    print(f"seeded in {seeded['seconds']} s")


if __name__ == "__main__":
    main()
