"""Many delegates voting at once, some pressing twice: one ballot each, and the count adds up.

Each thread has its own Session on a real engine with committed data (not the savepoint
fixture), on a SQLite file and, when TEST_DATABASE_URL is PostgreSQL, on a database of its own.
"""

from __future__ import annotations

import os
import random
import sqlite3
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
from tests.functional.builders import tellers_for, unlock_all
from votes.ballots import Ballot, CastBallot, SealedBallot, VoterRecord
from votes.base import DomainError
from votes.bulletin import verify_ballot
from votes.casting import begin_write, cast_ballot, create_ballot, open_ballot
from votes.closing import close_ballot, publish_ballot
from votes.people import Assembly, Role, User, add_member, register_user
from votes.rules import BallotRules

DELEGATES = 40
WORKERS = 16


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return url if url.startswith("postgresql") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated, empty database that concurrent sessions really share, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrency.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    server = _postgres_url()
    if server is None:
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    # A database of its own: the shared test database must not see these commits.
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS test_concurrency WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE test_concurrency"))
    url = make_url(server).set(database="test_concurrency").render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url, pool_size=WORKERS)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS test_concurrency WITH (FORCE)"))
    admin.dispose()


def open_ballot_for(engine, delegates=DELEGATES):
    with Session(engine, expire_on_commit=False) as s:
        official = register_user(s, username="official", display_name="工作人员",
                                 password_hash="-", roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="并发区人大", area="并发区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        s.add(assembly)
        people = [register_user(s, username=f"d{i}", display_name=f"代表{i}", password_hash="-")
                  for i in range(delegates)]
        for person in people:
            add_member(s, assembly, person, official, joined_on=date(2024, 1, 1))
        ballot = create_ballot(s, official, assembly, "cycle", 7, "并发票决",
                               BallotRules(seats=2), [{"title": t} for t in "甲乙丙"])
        open_ballot(s, official, ballot, on=date(2027, 3, 1), tellers=tellers_for(s, ballot))
        s.commit()
        return ballot.id, official.id, [p.id for p in people], [o.id for o in ballot.options]


def submit(engine, start: threading.Event, ballot_id, user_id, choices):
    start.wait()
    with Session(engine, expire_on_commit=False) as s:
        voter = s.get(User, user_id)
        s.commit()  # as a view does: cast_ballot starts a fresh (IMMEDIATE) transaction
        try:
            tracker = cast_ballot(s, ballot_id, voter, choices)
            s.commit()
            return "ok", user_id, choices, tracker
        except DomainError as error:
            s.rollback()
            return error.code, user_id, choices, None


def run_all(engine, jobs, extra=()):
    start = threading.Event()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(submit, engine, start, *job) for job in jobs]
        futures += [pool.submit(task, start) for task in extra]
        start.set()
        return [f.result() for f in futures]


def test_each_delegate_gets_exactly_one_ballot_however_often_they_press(database):
    ballot_id, _official, people, ids = open_ballot_for(database)
    rng = random.Random(7)
    jobs = [(ballot_id, people[0], {ids[0]: "yes"}) for _ in range(20)]  # one impatient delegate
    for person in people[1:]:
        jobs += [(ballot_id, person, {rng.choice(ids): rng.choice(["yes", "no"])})
                 for _ in range(3)]
    rng.shuffle(jobs)
    outcomes = run_all(database, jobs)

    accepted = [o for o in outcomes if o[0] == "ok"]
    assert Counter(o[1] for o in accepted) == Counter(people)  # exactly one each
    assert {o[0] for o in outcomes} == {"ok", "already_voted"}
    with Session(database) as s:
        assert s.scalar(select(func.count()).select_from(VoterRecord)) == DELEGATES
        # While open the choices are sealed: one box per delegate, no tracker in the clear.
        assert s.scalar(select(func.count()).select_from(SealedBallot)) == DELEGATES
        assert s.scalar(select(func.count()).select_from(CastBallot)) == 0
        official = s.scalar(select(User).where(User.username == "official"))
        ballot = s.get(Ballot, ballot_id)
        unlock = unlock_all(s, ballot)
        s.commit()
        result = close_ballot(s, official, ballot, unlock=unlock)
        s.commit()
        trackers = set(s.scalars(select(CastBallot.tracker)))
        assert trackers == {o[3] for o in accepted}
    expected = {cid: [0, 0] for cid in ids}
    for _, _, choices, _ in accepted:
        for cid, mark in choices.items():
            expected[cid][0 if mark == "yes" else 1] += 1
    assert {r["id"]: [r["yes"], r["no"]] for r in result["rows"]} == expected
    assert result["ballots_cast"] == DELEGATES


def test_closing_while_delegates_vote_leaves_a_consistent_count(database):
    ballot_id, official_id, people, ids = open_ballot_for(database)
    jobs = [(ballot_id, person, {ids[1]: "yes"}) for person in people]

    def close_midway(start):
        start.wait()
        with Session(database, expire_on_commit=False) as s:
            official, ballot = s.get(User, official_id), s.get(Ballot, ballot_id)
            unlock = unlock_all(s, ballot)
            s.commit()  # a fresh transaction again, so closing queues up behind the voters
            close_ballot(s, official, ballot, unlock=unlock)
            s.commit()
        return "closed", None, None, None

    outcomes = run_all(database, jobs[:25], extra=[close_midway]) + run_all(database, jobs[25:])
    accepted = sum(1 for o in outcomes if o[0] == "ok")
    assert {o[0] for o in outcomes} <= {"ok", "not_open", "closed"}
    with Session(database) as s:
        ballot = s.get(Ballot, ballot_id)
        assert ballot.ballots_cast == accepted < DELEGATES
        assert s.scalar(select(func.count()).select_from(CastBallot)) == accepted
        official = s.get(User, official_id)
        publish_ballot(s, official, ballot)
        s.commit()
        assert verify_ballot(s, ballot_id).ok


def test_on_sqlite_a_writing_service_holds_the_write_lock_from_its_first_statement(tmp_path):
    path = tmp_path / "lock.db"
    engine = make_engine(f"sqlite:///{path}")
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    with Session(engine) as session:
        begin_write(session)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    with Session(engine) as session:
        session.connection()  # an ordinary transaction only reads until it writes
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    other.close()
    engine.dispose()
