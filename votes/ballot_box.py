"""The ballot box at closing: open the sealed boxes with the tellers' passphrases, store the
ballots in tracker order, and leave no casting order in the storage (docs/bulletin.md).

Called by votes.closing.close_ballot inside its one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import SimpleNamespace

from nacl.public import PrivateKey
from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from votes import ledger, sealing
from votes.ballots import (
    Ballot,
    BallotKeyShare,
    BallotRosterEntry,
    BallotSeal,
    CastBallot,
    SealedBallot,
    VoterRecord,
)
from votes.base import DomainError
from votes.casting import ballot_hash

BUSY_TIMEOUT_MS = 15000  # as app/db.py sets it on every connection


def after_commit_truncate_wal(session: Session) -> None:
    """On SQLite, once this transaction commits, copy the write-ahead log into the database
    and cut it to nothing: the log holds pages in commit order, one vote after another.

    Best effort: a connection still reading an older snapshot keeps part of it, and the next
    checkpoint (SQLite makes one every thousand pages) finishes the job. Deleted rows leave
    no trace in the file either, since every connection sets secure_delete (app/db.py).
    """
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return  # no log to truncate (and an in-memory database has one shared connection)

    def truncate(_session: Session) -> None:
        with engine.connect() as connection:
            # Never wait for a reader (the connection's busy timeout would): try once.
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except OperationalError:
                pass  # busy: the next checkpoint will do it
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    event.listen(session, "after_commit", truncate, once=True)


def unlock_key(session: Session, ballot: Ballot, seal: BallotSeal,
               unlock: Mapping[int, str]) -> PrivateKey:
    """The ballot's private key, rebuilt in memory from the passphrases the tellers typed."""
    shares = session.scalars(select(BallotKeyShare).where(BallotKeyShare.ballot_id == ballot.id)
                             .order_by(BallotKeyShare.share_index)).all()
    unwrapped = []
    for share in shares:
        passphrase = unlock.get(share.teller_id)
        if not passphrase or len(unwrapped) == seal.threshold:
            continue
        try:
            unwrapped.append(sealing.unwrap(sealing.WrappedShare.from_stored(
                share.share_index, bytes.fromhex(share.salt), share.wrapped), passphrase))
        except sealing.SealingError:
            raise DomainError("wrong_passphrase", name=share.teller.display_name) from None
    if len(unwrapped) < seal.threshold:
        raise DomainError("shares_needed", needed=seal.threshold, given=len(unwrapped))
    try:
        return sealing.rebuild(bytes.fromhex(seal.public_key), unwrapped, seal.threshold)
    except sealing.SealingError as exc:
        raise DomainError(exc.code, **exc.params) from None


def open_sealed(session: Session, ballot: Ballot, seal: BallotSeal,
                 unlock: Mapping[int, str]) -> list[SimpleNamespace]:
    key = unlock_key(session, ballot, seal, unlock)
    rows = []
    for box_id, box in session.execute(
            select(SealedBallot.id, SealedBallot.box).where(SealedBallot.ballot_id == ballot.id)):
        try:
            tracker, choices = sealing.unseal(key, bytes.fromhex(box))
        except (sealing.SealingError, ValueError):
            raise DomainError("invalid_stored_ballot", detail="unreadable_ballot") from None
        marks = ledger.canonical_json(choices)
        rows.append(SimpleNamespace(id=box_id, tracker=tracker, choices=marks,
                                    hash=ballot_hash(tracker, marks)))
    if len({r.tracker for r in rows}) != len(rows):
        raise DomainError("invalid_stored_ballot", detail="tracker_repeats")
    # The boxes and the shares have done their work; plain SQL, since the ORM refuses.
    for table in (SealedBallot, BallotKeyShare):
        session.execute(delete(table).where(table.ballot_id == ballot.id)
                        .execution_options(synchronize_session=False))
    return rows


def rewrite_voters(session: Session, ballot_id: int) -> None:
    # On PostgreSQL each voter record and roster row written while voting carries the id of
    # its casting transaction (xmin); rewritten here, the live rows all carry the closing one.
    for table, columns in ((VoterRecord, ("ballot_id", "user_id")),
                           (BallotRosterEntry, ("ballot_id", "user_id", "present",
                                                "checked_in_by_id"))):
        kept = [dict(zip(columns, row, strict=True)) for row in session.execute(
            select(*(getattr(table, c) for c in columns)).where(table.ballot_id == ballot_id)
            .order_by(table.user_id))]
        session.execute(delete(table).where(table.ballot_id == ballot_id)
                        .execution_options(synchronize_session=False))
        if kept:
            session.execute(insert(table), kept)


def store_in_tracker_order(session: Session, ballot_id: int, rows: Sequence) -> None:
    # PostgreSQL keeps rows in the heap in insertion order, each stamped with the inserting
    # transaction (xmin), which a voter record from the same transaction shares. Deleting
    # and re-inserting every ballot, sorted by tracker, in this one transaction leaves the
    # live rows in tracker order with a single xmin. Plain SQL: the ORM refuses to touch them.
    session.execute(delete(CastBallot).where(CastBallot.ballot_id == ballot_id)
                    .execution_options(synchronize_session=False))
    if rows:
        session.execute(insert(CastBallot), [
            {"id": r.id, "ballot_id": ballot_id, "tracker": r.tracker, "choices": r.choices,
             "hash": r.hash}
            for r in sorted(rows, key=lambda r: r.tracker)
        ])
