"""A secret ballot cast on a hall tablet stays secret: nothing stored (tables, the tablet's row,
its hall cards, the audit log, the request log) links the delegate to their ballot."""

from __future__ import annotations

import logging
import re

from sqlalchemy import MetaData, inspect, select

from tests.functional.ballots.kiosk_steps import cards_of, enrolled, vote
from tests.functional.builders import VOTING_DAY, new_ballot
from votes.audit import AuditEntry
from votes.ballots import CastBallot, SealedBallot
from votes.casting import create_ballot, open_ballot
from votes.rules import BallotRules


def test_the_hall_tables_point_at_no_ballot_cast_and_keep_no_time_of_use(db):
    schema = inspect(db.get_bind())
    tablet_columns = {c["name"] for c in schema.get_columns("hall_tablets")}
    assert not any("user" in name or "voter" in name for name in tablet_columns)
    people = {fk["constrained_columns"][0] for fk in schema.get_foreign_keys("hall_tablets")
              if fk["referred_table"] == "users"}
    assert people == {"enrolled_by_id", "revoked_by_id"}  # the officials who ran it
    assert {c["name"] for c in schema.get_columns("hall_cards")} == {
        "ballot_id", "user_id", "code_hash", "used", "wrong_tries", "issued_at", "issued_by_id"}
    for table in ("hall_tablets", "hall_cards"):
        assert {fk["referred_table"] for fk in schema.get_foreign_keys(table)} <= {
            "ballots", "users"}


def every_row(connection) -> dict[str, list[str]]:
    metadata = MetaData()
    metadata.reflect(connection)
    return {name: [" ".join(map(str, row)) for row in connection.execute(table.select()).all()]
            for name, table in metadata.tables.items()}


def test_after_a_kiosk_cast_no_table_or_log_links_the_delegate_to_their_ballot(
        client, db, connection, official, assembly, delegates, caplog):
    # A secret motion is not sealed: its ballots are stored in the clear while it is open.
    ballot = create_ballot(db, official, assembly, "motion", None, "关于加装电梯的议案",
                           BallotRules(seats=1), [{"title": "加装电梯"}])
    open_ballot(db, official, ballot, on=VOTING_DAY)
    db.commit()
    tablet = enrolled(client, db, official, ballot)
    cards = cards_of(db, official, ballot)
    trackers = []
    with caplog.at_level(logging.INFO, logger="yishi.requests"):
        for person, mark in zip(delegates[:2], ("yes", "no"), strict=True):
            _review, receipt = vote(client, ballot, cards[person.id], mark)
            trackers.append(re.search(r'id="receipt">([A-Z0-9-]+)<', receipt.text).group(1))
            client.post("/hall/done")
    stored = db.scalars(select(CastBallot.tracker).where(CastBallot.ballot_id == ballot.id))
    assert sorted(stored) == sorted(trackers)
    rows = every_row(connection)
    for tracker in trackers:
        holding = {table for table, lines in rows.items() if any(tracker in r for r in lines)}
        assert holding == {"cast_ballots"}, holding
    db.refresh(tablet)
    assert tablet.turn_hash is None
    assert db.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("public.hall%"))).all() == []
    lines = [r.getMessage() for r in caplog.records if r.name == "yishi.requests"]
    assert any('"endpoint":"public.hall_cast"' in line for line in lines)
    for line in lines:
        assert '"signed_in":false' in line
        for tracker in trackers:
            assert tracker not in line
        for person in delegates[:2]:
            assert person.display_name not in line and person.username not in line


def test_a_sealed_ballot_cast_on_a_tablet_is_stored_only_in_its_box(
        client, db, connection, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)  # a cycle's secret ballot: sealed
    enrolled(client, db, official, ballot)
    cards = cards_of(db, official, ballot)
    review, _receipt = vote(client, ballot, cards[delegates[0].id], "yes", "no")
    tracker = re.search(r'id="receipt-code">([A-Z0-9-]+)<', review.text).group(1)
    assert db.scalars(select(SealedBallot).where(SealedBallot.ballot_id == ballot.id)).all()
    assert not any(tracker in r for lines in every_row(connection).values() for r in lines)
