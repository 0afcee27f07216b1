"""A secret ballot: the database holds who voted and what was voted, with nothing to join them."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import inspect, select, text

from tests.functional.builders import (
    cast_all,
    new_ballot,
    option_ids,
    refused,
    seat_delegates,
    unlock_all,
)
from votes.ballots import CastBallot, RollCallVote, SealedBallot, VoterRecord
from votes.bulletin import build_bulletin
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules

SECRET_COLUMNS = {"id", "ballot_id", "tracker", "choices", "hash"}


def test_the_cast_ballots_table_has_no_voter_no_time_and_no_sequence(connection):
    schema = inspect(connection)
    columns = {c["name"]: c for c in schema.get_columns("cast_ballots")}
    assert set(columns) == SECRET_COLUMNS
    assert not any(word in name for name in columns
                   for word in ("user", "voter", "_at", "time", "date", "seq"))
    assert schema.get_pk_constraint("cast_ballots")["constrained_columns"] == ["id"]
    assert "CHAR" in str(columns["id"]["type"]).upper()  # a random string, not a counter
    [fk] = schema.get_foreign_keys("cast_ballots")
    assert fk["referred_table"] == "ballots"


def test_nothing_joins_who_voted_to_what_was_voted(connection):
    schema = inspect(connection)
    voter_fks = {fk["referred_table"] for fk in schema.get_foreign_keys("voter_records")}
    assert voter_fks == {"ballots", "users"}
    pointing_at_secret = [
        (table, fk) for table in schema.get_table_names()
        for fk in schema.get_foreign_keys(table) if fk["referred_table"] == "cast_ballots"
    ]
    assert pointing_at_secret == []
    shared = ({c["name"] for c in schema.get_columns("voter_records")}
              & {c["name"] for c in schema.get_columns("cast_ballots")})
    assert shared == {"ballot_id"}  # a whole ballot's worth, never one person's
    assert {c["name"] for c in schema.get_columns("voter_records")} == {"ballot_id", "user_id"}


def test_on_sqlite_the_secret_table_has_no_rowid(connection):
    if connection.dialect.name != "sqlite":
        pytest.skip("rowid is SQLite's")
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = 'cast_ballots'").scalar()
    assert "WITHOUT ROWID" in sql
    with pytest.raises(Exception, match="rowid"), connection.begin_nested():
        connection.exec_driver_sql("SELECT rowid FROM cast_ballots")


def thirty_distinct_ballots(ids):
    marks = itertools.product(["yes", "no", None], repeat=len(ids))
    return [{str(cid): m for cid, m in zip(ids, combo, strict=True) if m}
            for combo in itertools.islice(marks, 30)]


def stored_order(connection, ballot_id):
    # Deliberately no ORDER BY: this is the order the storage itself gives.
    rows = connection.execute(text("SELECT * FROM cast_ballots")).mappings().all()
    return [(r["tracker"], json.loads(r["choices"]), r["id"]) for r in rows
            if r["ballot_id"] == ballot_id]


def test_the_stored_order_is_not_the_casting_order(db, connection, official, admin, assembly,
                                                   make_user):
    people = seat_delegates(db, assembly, admin, make_user, 30)
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=4), options=4)
    cast = thirty_distinct_ballots(option_ids(ballot))
    trackers = cast_all(db, ballot, people, lambda i: cast[i])
    # While open only sealed boxes are stored, all of one length, none in the clear.
    boxes = connection.execute(text("SELECT id, box FROM sealed_ballots WHERE ballot_id = :b"),
                               {"b": ballot.id}).all()
    assert len(boxes) == 30 and len({len(box) for _, box in boxes}) == 1
    assert stored_order(connection, ballot.id) == []
    if connection.dialect.name == "sqlite":
        # Without a rowid the boxes are kept in order of their random key.
        assert [i for i, _ in boxes] == sorted(i for i, _ in boxes)
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    rows = stored_order(connection, ballot.id)
    assert sorted(t for t, _, _ in rows) == sorted(trackers)
    assert [c for _, c, _ in rows] != cast
    assert [t for t, _, _ in rows] != trackers
    key = 0 if connection.dialect.name == "postgresql" else 2  # tracker order / random key
    assert [r[key] for r in rows] == sorted(r[key] for r in rows)


def test_on_postgresql_closing_leaves_no_transaction_stamp_to_match(db, connection, official,
                                                                   assembly, delegates_10):
    if connection.dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates_10, lambda i: {})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    stamps = connection.execute(text("SELECT DISTINCT xmin::text FROM cast_ballots"
                                     " WHERE ballot_id = :b"), {"b": ballot.id}).scalars().all()
    assert len(stamps) == 1  # every ballot re-written by the closing transaction


@pytest.fixture
def delegates_10(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 10)


def test_a_secret_bulletin_names_who_voted_but_not_how(db, official, assembly, delegates_10):
    ballot = new_ballot(db, official, assembly)
    ids = option_ids(ballot)
    trackers = cast_all(db, ballot, delegates_10[:7], lambda i: {ids[i % 3]: "yes"})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    doc = build_bulletin(db, ballot)
    assert doc["roll_call"] is None
    assert db.scalars(select(RollCallVote).where(RollCallVote.ballot_id == ballot.id)).all() == []
    assert all(set(b) == {"tracker", "choices", "hash"} for b in doc["ballots"])
    assert [b["tracker"] for b in doc["ballots"]] == sorted(trackers) != trackers
    voted = {m["name"] for m in doc["roster"]["members"] if m["voted"]}
    assert voted == {d.display_name for d in delegates_10[:7]}
    published = json.dumps(doc["ballots"], ensure_ascii=False)
    assert not any(d.display_name in published or d.username in published
                   for d in delegates_10)


def test_a_roll_call_publishes_each_name_with_its_vote(db, official, assembly, delegates_10):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(secret=False))
    ids = option_ids(ballot)
    cast_all(db, ballot, delegates_10[:4], lambda i: {ids[0]: ("yes" if i % 2 else "no")})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    doc = json.loads(publish_ballot(db, official, ballot).bulletin_json)
    named = {v["name"]: v["choices"] for v in doc["roll_call"]}
    assert named == {d.display_name: {str(ids[0]): "yes" if i % 2 else "no"}
                     for i, d in enumerate(delegates_10[:4])}
    assert doc["ballot"]["secret"] is False


def test_a_recorded_ballot_cannot_be_rewritten_through_the_orm(db, official, assembly,
                                                              delegates_10):
    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates_10[:1], lambda i: {})
    box = db.scalar(select(SealedBallot).where(SealedBallot.ballot_id == ballot.id))
    box.box = "00"
    refused("ballot_final", db.flush)
    db.rollback()
    db.delete(db.scalar(select(SealedBallot).where(SealedBallot.ballot_id == ballot.id)))
    refused("ballot_final", db.flush)
    db.rollback()
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    stored = db.scalar(select(CastBallot).where(CastBallot.ballot_id == ballot.id))
    stored.choices = '{"1":"yes"}'
    refused("ballot_final", db.flush)
    db.rollback()
    record = db.scalar(select(VoterRecord).where(VoterRecord.ballot_id == ballot.id))
    db.delete(record)
    refused("ballot_final", db.flush)
    db.rollback()
