"""Whoever holds the database files learns who voted, never how: the audit's attack, replayed.

Real commits on a real file (SQLite) or server (PostgreSQL): the write-ahead log, free pages,
dead row versions and transaction stamps are read as a database administrator could.
"""

from __future__ import annotations

import itertools
import json
import os
import struct
from collections import defaultdict

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.functional.ballots.test_concurrency import database, open_ballot_for  # noqa: F401
from tests.functional.builders import unlock_all
from votes.ballots import Ballot, BallotKeyShare, SealedBallot
from votes.casting import cast_ballot
from votes.closing import close_ballot, publish_ballot
from votes.people import User

VOTERS = 25  # open_ballot_for has 3 options: 26 different marked ballots


def cast_thirty(engine):
    """25 delegates cast 25 different ballots, each in its own committed transaction."""
    ballot_id, official_id, people, ids = open_ballot_for(engine, delegates=VOTERS)
    marks = itertools.product(["yes", "no", None], repeat=len(ids))
    ballots = [{cid: m for cid, m in zip(ids, combo, strict=True) if m}
               for combo in itertools.islice(marks, 1, VOTERS + 1)]
    cast = {}
    for person, choices in zip(people, ballots, strict=True):
        with Session(engine, expire_on_commit=False) as s:
            voter = s.get(User, person)
            s.commit()
            tracker = cast_ballot(s, ballot_id, voter, choices)
            s.commit()
        cast[person] = (tracker, json.dumps({str(k): v for k, v in choices.items()},
                                            separators=(",", ":"), sort_keys=True))
    return ballot_id, official_id, cast


def close_and_publish(engine, ballot_id, official_id):
    with Session(engine, expire_on_commit=False) as s:
        official, ballot = s.get(User, official_id), s.get(Ballot, ballot_id)
        boxes = list(s.scalars(select(SealedBallot.box)))
        shares = list(s.scalars(select(BallotKeyShare.wrapped)))
        unlock = unlock_all(s, ballot)
        s.commit()
        close_ballot(s, official, ballot, unlock=unlock)
        s.commit()
        log = engine.url.database + "-wal" if engine.dialect.name == "sqlite" else None
        log_size = os.path.getsize(log) if log else None
        publish_ballot(s, official, ballot)
        s.commit()
    return boxes, shares, log_size


def secrets_of(cast):
    """Byte strings that would link a person to a choice if found next to them."""
    found = []
    for tracker, choices in cast.values():
        found += [tracker.encode(), tracker.replace("-", "").encode()]
        if len(choices) > 12:  # a ballot of several marks; "{}" is everywhere
            found.append(choices.encode())
    return found


def sqlite_files(engine) -> bytes:
    path = engine.url.database
    data = b""
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as f:
                data += f.read()
    return data


def test_on_sqlite_neither_the_log_nor_the_file_links_a_voter_to_a_choice(database):  # noqa: F811
    if database.dialect.name != "sqlite":
        pytest.skip("the SQLite files")
    ballot_id, official_id, cast = cast_thirty(database)
    files = sqlite_files(database)
    assert os.path.getsize(database.url.database + "-wal") > 0  # the votes are in the log
    # Every commit of a vote is in the log, page by page: it holds boxes, never a tracker
    # or a ballot's marks, so replaying it pairs a voter with a box nobody alone can open.
    assert [s for s in secrets_of(cast) if s in files] == []
    with database.connect() as conn:
        with pytest.raises(Exception, match="rowid"):
            conn.exec_driver_sql("SELECT rowid FROM voter_records").all()
    boxes, shares, log_size = close_and_publish(database, ballot_id, official_id)
    # Closing truncates the log, and secure_delete zeroed the boxes and shares it deleted.
    assert log_size == 0
    files = sqlite_files(database)
    assert [b for b in boxes + shares if b.encode() in files] == []
    assert all(tracker.encode() in files for tracker, _ in cast.values())  # now published


def heap_tuples(conn, table):
    """Every row version in the table's pages, live or dead: (xmin, raw bytes)."""
    pages = conn.execute(text("SELECT pg_relation_size(:t) / 8192"), {"t": table}).scalar()
    found = []
    for page in range(pages):
        found += conn.execute(text(
            "SELECT t_xmin::text::bigint, t_data FROM heap_page_items(get_raw_page(:t, :p))"
            " WHERE t_data IS NOT NULL"), {"t": table, "p": page}).all()
    return [(xmin, bytes(data)) for xmin, data in found]


def test_on_postgresql_stamps_and_dead_rows_link_a_voter_to_a_box_at_most(database):  # noqa: F811
    if database.dialect.name != "postgresql":
        pytest.skip("xmin and dead row versions are PostgreSQL's")
    with database.connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        conn.commit()
    ballot_id, official_id, cast = cast_thirty(database)
    close_and_publish(database, ballot_id, official_id)
    with database.connect() as conn:
        voters = defaultdict(set)  # xmin -> user ids of voter record versions stamped with it
        for xmin, data in heap_tuples(conn, "voter_records"):
            voters[xmin].add(struct.unpack("<ii", data[:8])[1])
        ballots = defaultdict(list)  # xmin -> versions of clear ballots stamped with it
        for xmin, data in heap_tuples(conn, "cast_ballots"):
            ballots[xmin].append(data)
        boxes = heap_tuples(conn, "sealed_ballots")
    assert len(boxes) == VOTERS  # dead now, still in the file, each beside its voter's stamp
    assert any(len(voters[xmin]) == 1 for xmin, _ in boxes)
    # ... but a box holds no tracker and no marks, and no clear ballot shares a stamp with
    # fewer than all the voters: every one was written by the one closing transaction.
    assert [s for s in secrets_of(cast) if any(s in data for _, data in boxes)] == []
    assert len(ballots) == 1
    [(stamp, versions)] = ballots.items()
    assert len(versions) == VOTERS and voters[stamp] == set(cast)
