"""Tables of a ballot: its options, frozen roster, who voted, the secret ballots and the ledger."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from votes.base import Base, DomainError, utcnow
from votes.people import Assembly, User
from votes.rules import BallotRules


class BallotStatus(enum.StrEnum):
    DRAFT = "draft"  # 草拟: rules and options may still change
    OPEN = "open"  # 投票中: roster and rules frozen, only turnout visible
    CLOSED = "closed"  # 已结束: counted, result stored
    PUBLISHED = "published"  # 已公布: bulletin out, ledger sealed


class BallotMode(enum.StrEnum):
    ELECTRONIC = "electronic"
    PAPER = "paper"  # totals counted in the hall and entered by an official
    # Paper or electronic, each delegate's choice: the teller marks who took a paper ballot
    # at the box, and enters the paper count when the ballot closes (votes/mixed.py).
    MIXED = "mixed"


class Ballot(Base):
    """One vote of an assembly on a subject: a cycle's candidates, a motion, an election."""

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(20))  # cycle | motion | election | runoff
    subject_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=BallotStatus.DRAFT.value)
    mode: Mapped[str] = mapped_column(String(20), default=BallotMode.ELECTRONIC.value)
    rules_json: Mapped[str] = mapped_column(Text)
    rules_hash: Mapped[str] = mapped_column(String(64))
    # Set when the ballot opens and the roster is frozen.
    roster_hash: Mapped[str | None] = mapped_column(String(64))
    entitled: Mapped[int | None]
    check_in_code: Mapped[str | None] = mapped_column(String(12))
    # Set when it closes: attendance and ballots are counted at that moment.
    present: Mapped[int | None]
    ballots_cast: Mapped[int | None]
    # A mixed ballot's paper ballots found in the box, counted with the electronic ones.
    paper_ballots: Mapped[int | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Besides officials, the one person who runs this ballot (a council convenor's motion).
    teller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assembly: Mapped[Assembly] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    options: Mapped[list[BallotOption]] = relationship(
        back_populates="ballot", order_by="BallotOption.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed', 'published')", name="status"),
        CheckConstraint("mode IN ('electronic', 'paper', 'mixed')", name="mode"),
        CheckConstraint("paper_ballots IS NULL OR (mode = 'mixed' AND paper_ballots >= 0"
                        " AND paper_ballots <= ballots_cast)", name="paper_ballots"),
        CheckConstraint(
            "status = 'draft' OR (opened_at IS NOT NULL AND roster_hash IS NOT NULL"
            " AND entitled IS NOT NULL AND check_in_code IS NOT NULL)", name="opened_frozen"),
        CheckConstraint(
            "status IN ('draft', 'open') OR (closed_at IS NOT NULL AND present IS NOT NULL"
            " AND ballots_cast IS NOT NULL)", name="closed_counted"),
        CheckConstraint("status != 'published' OR published_at IS NOT NULL", name="published_at"),
        CheckConstraint("entitled IS NULL OR entitled >= 0", name="entitled"),
        CheckConstraint("present IS NULL OR (present >= 0 AND present <= entitled)",
                        name="present_within_roster"),
        CheckConstraint("ballots_cast IS NULL OR (ballots_cast >= 0 AND ballots_cast <= entitled)",
                        name="cast_within_roster"),
    )

    @validates("rules_json", "rules_hash")
    def _rules_frozen(self, key: str, value: str) -> str:
        # The last line of defence behind the services: no code path may alter the rules
        # of a ballot that has opened, since voters were told these rules.
        if self.status not in (None, BallotStatus.DRAFT):
            raise DomainError("rules_frozen")
        return value

    @property
    def rules(self) -> BallotRules:
        return BallotRules.from_json(self.rules_json)

    def __repr__(self) -> str:
        return f"<Ballot {self.id} {self.status}>"


class BallotOption(Base):
    """A choice on the ballot: a candidate project, a motion's text, a person."""

    __tablename__ = "ballot_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"))
    ref_id: Mapped[int | None]  # e.g. proposals' Candidate id; the ballot stays generic
    title: Mapped[str] = mapped_column(String(200))
    cost: Mapped[int] = mapped_column(BigInteger, default=0)  # yuan
    unit: Mapped[str | None] = mapped_column(String(80))  # responsible unit, if any
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int]

    ballot: Mapped[Ballot] = relationship(back_populates="options")

    __table_args__ = (
        UniqueConstraint("ballot_id", "position"),
        CheckConstraint("cost >= 0", name="cost"),
    )


class BallotRosterEntry(Base):
    """A delegate entitled to vote, frozen when the ballot opens, and whether they checked in."""

    __tablename__ = "ballot_roster"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    present: Mapped[bool] = mapped_column(default=False)
    # The official who checked them in; None when the delegate used the hall's code or voted.
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class VoterRecord(Base):
    """Who voted: deliberately no time, no order and nothing that points at their ballot.

    On SQLite the table has no rowid, which would otherwise number the voters in casting order.
    """

    __tablename__ = "voter_records"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    __table_args__ = ({"sqlite_with_rowid": False},)


class CastBallot(Base):
    """What was voted: a random key, the voter's receipt code and the marks; never who or when.

    On SQLite the table has no rowid, so rows are stored by their random key rather than in
    casting order; PostgreSQL's heap order is scrubbed when the ballot closes (docs/bulletin.md).
    """

    __tablename__ = "cast_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex, random
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"))
    tracker: Mapped[str] = mapped_column(String(12))  # ABCD-EFGH-JK, the voter's receipt
    choices: Mapped[str] = mapped_column(Text)  # canonical JSON {option id: mark}
    hash: Mapped[str] = mapped_column(String(64))  # sha256(tracker + choices)

    __table_args__ = (
        UniqueConstraint("ballot_id", "tracker"),
        {"sqlite_with_rowid": False},
    )


class BallotSeal(Base):
    """The public key a secret ballot's choices are sealed with while it is open.

    The private key is never stored: it is rebuilt at closing from the tellers' shares
    (votes/sealing.py), used to open the sealed ballots, and forgotten.
    """

    __tablename__ = "ballot_seals"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # hex, X25519
    threshold: Mapped[int]  # how many tellers' shares open it

    __table_args__ = (CheckConstraint("threshold >= 2", name="threshold"),)


class BallotKeyShare(Base):
    """One teller's share of a sealed ballot's key, wrapped with that teller's passphrase.

    Deleted when the ballot closes: from then on the ballots are counted and in the open.
    """

    __tablename__ = "ballot_key_shares"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    teller_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    share_index: Mapped[int]
    salt: Mapped[str] = mapped_column(String(64))  # hex
    wrapped: Mapped[str] = mapped_column(Text)  # "argon2id ops:mem:hex of the SecretBox"

    teller: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("ballot_id", "share_index"),)


class SealedBallot(Base):
    """A ballot cast while a sealed ballot is open: a random key and a sealed box, nothing else.

    The tracker and the choices are inside the box. At closing the boxes are opened, their
    contents stored as CastBallot rows in tracker order, and these rows deleted.
    """

    __tablename__ = "sealed_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex, random
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"))
    box: Mapped[str] = mapped_column(Text)  # hex

    __table_args__ = ({"sqlite_with_rowid": False},)


class RollCallVote(Base):
    """A named vote (记名投票): only written for ballots whose rules say secret=False."""

    __tablename__ = "roll_call_votes"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    choices: Mapped[str] = mapped_column(Text)


class PaperTotal(Base):
    """An official's count of one option on a paper ballot."""

    __tablename__ = "paper_totals"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("ballot_options.id"), primary_key=True)
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("yes >= 0 AND no >= 0 AND abstain >= 0", name="counts"),)


class PaperIssue(Base):
    """A delegate who took a paper ballot at the box of a mixed ballot, and who marked it.

    Public like who voted: the bulletin names them. They cannot also vote electronically.
    """

    __tablename__ = "paper_ballot_issues"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class BallotResult(Base):
    """The count stored at closing, and the exact bulletin published from it."""

    __tablename__ = "ballot_results"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    result_json: Mapped[str] = mapped_column(Text)  # canonical JSON
    result_hash: Mapped[str] = mapped_column(String(64))
    bulletin_json: Mapped[str | None] = mapped_column(Text)  # canonical, served byte for byte
    bulletin_digest: Mapped[str | None] = mapped_column(String(64))


class ResolutionKind(enum.StrEnum):
    LAWFUL = "lawful"  # decided by a lawful procedure outside this ballot, with its reason
    RUNOFF = "runoff"  # a new ballot among the tied options


class BallotResolution(Base):
    """One settlement of a tie at the cut-off, logged in the ledger.

    A ballot may need several: once a tie is settled, selection goes on down the ranking
    with the seats and budget left, and may stop at a further tie (step 2, 3, ...). A lawful
    resolution takes effect when recorded; a run-off when its published result settles the
    tie and is recorded here (`adopted_json`, `settled_at`) and in the ledger.
    """

    __tablename__ = "ballot_resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"))
    step: Mapped[int] = mapped_column(default=1)  # 1 for the count's tie, then 2, 3, ...
    kind: Mapped[str] = mapped_column(String(20))
    # Option ids adopted: a lawful resolution's choice, or a run-off's once recorded.
    adopted_json: Mapped[str] = mapped_column(Text, default="[]")
    reason: Mapped[str] = mapped_column(Text)
    runoff_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the settlement took effect; None while a run-off has not settled the tie yet.
    settled_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("ballot_id", "step"),
        CheckConstraint("kind IN ('lawful', 'runoff')", name="kind"),
        CheckConstraint("kind != 'runoff' OR runoff_ballot_id IS NOT NULL", name="runoff_linked"),
        CheckConstraint("step >= 1", name="step_positive"),
    )


class LedgerEntry(Base):
    """One link of a ballot's hash chain; see votes/ledger.py for how hashes are made."""

    __tablename__ = "ballot_ledger"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload_json: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("seq >= 1", name="seq_positive"),)


def _refuse(code: str):
    def listener(_mapper, _connection, _target) -> None:
        raise DomainError(code)

    return listener


# What is recorded stays recorded: the ORM refuses to rewrite it. Closing rewrites the
# cast ballots' physical order, and opens sealed ones, with plain SQL on purpose
# (votes/closing.py).
for _model, _code in ((CastBallot, "ballot_final"), (VoterRecord, "ballot_final"),
                      (SealedBallot, "ballot_final"), (RollCallVote, "ballot_final"),
                      (LedgerEntry, "ledger_append_only")):
    event.listen(_model, "before_update", _refuse(_code))
    event.listen(_model, "before_delete", _refuse(_code))
