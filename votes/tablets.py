"""Hall tablets (表决终端): tablets enrolled for one ballot, and delegates' one-time hall cards.

An official enrols a tablet for a ballot at the desk and is shown an enrolment code once;
typed on the tablet, it trades for the tablet's own token (kept by the tablet in a cookie,
stored here only as a hash). Officials print hall cards for the roster: each delegate's
roster number (the one the desk calls out, `casting.not_voted`) and a code, stored as a hash.

A delegate at a tablet types their number and card code. The code is spent there and then
(not at casting): a code opens one turn, so whoever read it over a shoulder cannot start a
second one. A delegate whose turn ended without a cast asks the desk for a new card. The
identification checks the delegate in as present (`checked_in_by_id` None: nobody at the
desk did). Wrong codes are counted, on the tablet for the desk to see and on the card, which
locks after CARD_TRIES of them; the web layer also limits the pace of tries per tablet.

Secrecy: the tablet's row knows nothing of who uses it; during a turn it holds only the hash
of a random nonce the turn carries, cleared when the ballot is cast or the turn ends. A card
keeps whether it was used, never when: like a voter record, it has no time to line up with
anything. Who is on turn lives only in the tablet's session for the turn (the web layer).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.ballots import (
    Ballot,
    BallotMode,
    BallotRosterEntry,
    BallotStatus,
    PaperIssue,
    VoterRecord,
)
from votes.base import Base, DomainError, utcnow
from votes.casting import (
    ALPHABET,
    begin_write,
    cast_ballot,
    lock_ballot,
    normalise_code,
    random_code,
    require_teller,
)
from votes.people import User

ENROL_CODE_LENGTH = 10  # shown as ABCDE-FGHJK; 50 bits, for 15 minutes, once
ENROL_MINUTES = 15
CARD_CODE_LENGTH = 8  # shown as ABCD-EFGH; 40 bits, and a card locks after CARD_TRIES misses
CARD_TRIES = 5
LABEL_MAX = 40


class HallTablet(Base):
    """A tablet in the hall, enrolled for one ballot; nothing in it says who used it."""

    __tablename__ = "hall_tablets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), index=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX))  # where it stands: 第3排左
    # Until the tablet claims it: the enrolment code's hash, and when it stops working.
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    wrong_codes: Mapped[int] = mapped_column(default=0)
    # The hash of the running turn's random nonce; None between turns.
    turn_hash: Mapped[str | None] = mapped_column(String(64))

    enrolled_by: Mapped[User] = relationship(foreign_keys=[enrolled_by_id])

    __table_args__ = (
        CheckConstraint("wrong_codes >= 0", name="wrong_codes"),
        CheckConstraint("token_hash IS NULL OR enrol_code_hash IS NULL", name="claimed_once"),
    )

    @property
    def claimed(self) -> bool:
        return self.token_hash is not None


class HallCard(Base):
    """A delegate's one-time hall card code for a ballot: its hash, and whether it was used
    (deliberately not when). Issued again, the old code stops working."""

    __tablename__ = "hall_cards"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used: Mapped[bool] = mapped_column(default=False)
    wrong_tries: Mapped[int] = mapped_column(default=0)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("wrong_tries >= 0", name="wrong_tries"),)


@dataclass(frozen=True)
class Card:
    """A card as printed: the delegate's roster number, name and code; shown once."""

    number: int
    user: User
    code: str


@dataclass(frozen=True)
class Identification:
    """A tablet's answer to a number and a code: a turn (the delegate and the turn's nonce)
    or a refusal's code. A refusal is returned, not raised, so its count is committed."""

    user_id: int | None = None
    nonce: str | None = None
    refusal: str | None = None


def _digest(kind: str, *parts: object) -> str:
    text = ":".join(["yishi-hall", kind, *(str(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()


def _grouped(code: str, size: int) -> str:
    return "-".join(code[i:i + size] for i in range(0, len(code), size))


def _clean(text: str | None, length: int) -> str | None:
    code = normalise_code(text or "")
    if len(code) != length or any(c not in ALPHABET for c in code):
        return None
    return code


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without their zone (they are UTC).
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _check_ballot(ballot: Ballot, *statuses: BallotStatus) -> None:
    if ballot.mode == BallotMode.PAPER.value or ballot.status not in statuses:
        raise DomainError("tablets_not_now")


# --- tablets --------------------------------------------------------------------------------


def enrol_tablet(session: Session, actor: User, ballot: Ballot,
                 label: str) -> tuple[HallTablet, str]:
    """A tablet for this ballot, and the enrolment code to type on it (shown once)."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    _check_ballot(ballot, BallotStatus.DRAFT, BallotStatus.OPEN)
    label = " ".join((label or "").split())
    if not label:
        raise DomainError("tablet_label_required", field="label")
    if len(label) > LABEL_MAX:
        raise DomainError("tablet_label_too_long", field="label", length=LABEL_MAX)
    code = random_code(ENROL_CODE_LENGTH)
    tablet = HallTablet(ballot_id=ballot.id, label=label, enrol_code_hash=_digest("enrol", code),
                        enrol_expires_at=utcnow() + timedelta(minutes=ENROL_MINUTES),
                        enrolled_by_id=actor.id)
    session.add(tablet)
    session.flush()
    return tablet, _grouped(code, ENROL_CODE_LENGTH // 2)


def claim_tablet(session: Session, code: str) -> tuple[HallTablet, str]:
    """On the tablet: trade the enrolment code for the tablet's token (kept in its cookie)."""
    begin_write(session)
    clean = _clean(code, ENROL_CODE_LENGTH)
    tablet = session.scalar(select(HallTablet).where(
        HallTablet.enrol_code_hash == _digest("enrol", clean))) if clean else None
    if (tablet is None or tablet.revoked_at is not None
            or _aware(tablet.enrol_expires_at) < utcnow()):
        raise DomainError("wrong_enrol_code", field="code")
    token = secrets.token_urlsafe(32)
    tablet.token_hash = _digest("token", token)
    tablet.enrol_code_hash = tablet.enrol_expires_at = None
    tablet.claimed_at = utcnow()
    session.flush()
    return tablet, token


def tablet_for_token(session: Session, token: str | None) -> HallTablet | None:
    """The enrolled, unrevoked tablet whose cookie holds this token."""
    if not token:
        return None
    tablet = session.scalar(select(HallTablet).where(
        HallTablet.token_hash == _digest("token", token))
        .execution_options(populate_existing=True))
    return tablet if tablet is not None and tablet.revoked_at is None else None


def revoke_tablet(session: Session, actor: User, tablet_id: int, ballot: Ballot) -> HallTablet:
    """The tablet stops working at once; a turn running on it ends without a ballot."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    tablet = session.get(HallTablet, tablet_id)
    if tablet is None or tablet.ballot_id != ballot.id:
        raise DomainError("tablet_not_found")
    if tablet.revoked_at is None:
        tablet.revoked_at, tablet.revoked_by_id = utcnow(), actor.id
        tablet.turn_hash = tablet.enrol_code_hash = None
        session.flush()
    return tablet


def tablet_state(tablet: HallTablet, now: datetime) -> str:
    """revoked, in_use (claimed by a tablet), waiting (for its enrolment code) or expired."""
    if tablet.revoked_at is not None:
        return "revoked"
    if tablet.claimed:
        return "in_use"
    return "waiting" if _aware(tablet.enrol_expires_at) > _aware(now) else "expired"


def tablets_of(session: Session, ballot: Ballot) -> list[HallTablet]:
    return list(session.scalars(select(HallTablet).where(HallTablet.ballot_id == ballot.id)
                                .order_by(HallTablet.id)))


# --- hall cards -----------------------------------------------------------------------------


def numbered_roster(session: Session, ballot: Ballot) -> list[tuple[int, User]]:
    """(roster number, person) of the whole roster: the numbering of casting.not_voted (the
    roster frozen at opening, ordered by account), so the desk and the cards agree."""
    members = session.scalars(
        select(User).join(BallotRosterEntry, BallotRosterEntry.user_id == User.id)
        .where(BallotRosterEntry.ballot_id == ballot.id).order_by(BallotRosterEntry.user_id))
    return list(enumerate(members, start=1))


def _voted(session: Session, ballot: Ballot) -> set[int]:
    """Who needs no card: they voted, or took a paper ballot at the box (a mixed ballot)."""
    return set(session.scalars(select(VoterRecord.user_id)
                               .where(VoterRecord.ballot_id == ballot.id))) | set(
        session.scalars(select(PaperIssue.user_id).where(PaperIssue.ballot_id == ballot.id)))


def _new_card(session: Session, actor: User, ballot: Ballot, number: int, person: User) -> Card:
    code = random_code(CARD_CODE_LENGTH)
    card = session.get(HallCard, (ballot.id, person.id))
    if card is None:
        card = HallCard(ballot_id=ballot.id, user_id=person.id)
        session.add(card)
    card.code_hash = _digest("card", ballot.id, person.id, code)
    card.used, card.wrong_tries = False, 0
    card.issued_at, card.issued_by_id = utcnow(), actor.id
    return Card(number=number, user=person, code=_grouped(code, CARD_CODE_LENGTH // 2))


def issue_cards(session: Session, actor: User, ballot: Ballot) -> list[Card]:
    """A new card for everyone on the roster who has not voted; their old codes stop working."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    _check_ballot(ballot, BallotStatus.OPEN)
    voted = _voted(session, ballot)
    cards = [_new_card(session, actor, ballot, number, person)
             for number, person in numbered_roster(session, ballot) if person.id not in voted]
    session.flush()
    return cards


def reissue_card(session: Session, actor: User, ballot: Ballot, number: int | None) -> Card:
    """A new card for one delegate (lost, locked, or their turn ended unfinished)."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    _check_ballot(ballot, BallotStatus.OPEN)
    roster = numbered_roster(session, ballot)
    if number is None or not 1 <= number <= len(roster):
        raise DomainError("no_such_number", field="number", most=len(roster))
    person = roster[number - 1][1]
    if session.get(PaperIssue, (ballot.id, person.id)) is not None:
        raise DomainError("card_after_paper", field="number", number=number)
    if person.id in _voted(session, ballot):
        raise DomainError("card_after_voting", field="number", number=number)
    card = _new_card(session, actor, ballot, number, person)
    session.flush()
    return card


def card_counts(session: Session, ballot: Ballot) -> tuple[int, int]:
    """(cards issued, of which used), for the desk."""
    issued, used = session.execute(
        select(func.count(), func.count().filter(HallCard.used.is_(True)))
        .where(HallCard.ballot_id == ballot.id)).one()
    return issued or 0, used or 0


# --- a delegate's turn ----------------------------------------------------------------------


def identify(session: Session, tablet_id: int, number: int | None,
             code: str | None) -> Identification:
    """A delegate at the tablet: their roster number and hall card code begin a turn.

    The card is spent and the delegate checked in; the tablet keeps the hash of the turn's
    nonce. A wrong number or code is counted on the tablet (and on the card of that number)
    and returned as a refusal that says nothing about which of the two was wrong.
    """
    begin_write(session)
    tablet = _live_tablet(session, tablet_id)
    ballot = lock_ballot(session, tablet.ballot_id)
    _check_ballot(ballot, BallotStatus.OPEN)
    roster = numbered_roster(session, ballot)
    person = roster[number - 1][1] if number is not None and 1 <= number <= len(roster) else None
    card = session.get(HallCard, (ballot.id, person.id)) if person is not None else None
    clean = _clean(code, CARD_CODE_LENGTH)
    if card is not None and not card.used and card.wrong_tries >= CARD_TRIES:
        return Identification(refusal="card_locked")
    if (card is None or card.used or clean is None or not hmac.compare_digest(
            card.code_hash, _digest("card", ballot.id, card.user_id, clean))):
        tablet.wrong_codes += 1
        if card is not None and not card.used:
            card.wrong_tries += 1
        session.flush()
        return Identification(refusal="wrong_card")
    if session.get(VoterRecord, (ballot.id, card.user_id)) is not None:
        return Identification(refusal="already_voted")
    if session.get(PaperIssue, (ballot.id, card.user_id)) is not None:
        return Identification(refusal="took_paper_ballot")  # the card stays unspent
    card.used = True
    entry = session.get(BallotRosterEntry, (ballot.id, card.user_id))
    if not entry.present:
        entry.present, entry.checked_in_by_id = True, None
    nonce = secrets.token_urlsafe(24)
    tablet.turn_hash = _digest("turn", tablet.id, nonce)
    session.flush()
    return Identification(user_id=card.user_id, nonce=nonce)


def _live_tablet(session: Session, tablet_id: int) -> HallTablet:
    tablet = session.scalar(select(HallTablet).where(HallTablet.id == tablet_id)
                            .execution_options(populate_existing=True))
    if tablet is None or tablet.revoked_at is not None or not tablet.claimed:
        raise DomainError("tablet_revoked")
    return tablet


def turn_running(session: Session, tablet_id: int, nonce: str | None) -> bool:
    """Whether this nonce is the tablet's running turn (read-only, for the turn's pages)."""
    tablet = session.get(HallTablet, tablet_id)
    return bool(nonce and tablet is not None and tablet.revoked_at is None
                and tablet.turn_hash is not None
                and hmac.compare_digest(tablet.turn_hash, _digest("turn", tablet_id, nonce)))


def _turn_tablet(session: Session, tablet_id: int, nonce: str | None) -> HallTablet:
    tablet = _live_tablet(session, tablet_id)
    if not turn_running(session, tablet_id, nonce):
        raise DomainError("turn_ended")
    return tablet


def cast_at_tablet(session: Session, tablet_id: int, nonce: str | None, user_id: int,
                   choices: Mapping[object, object], *, tracker: str | None = None) -> str:
    """Cast the turn's ballot (casting.cast_ballot) and end the turn; returns the receipt."""
    begin_write(session)
    tablet = _turn_tablet(session, tablet_id, nonce)
    voter = session.get(User, user_id)
    if voter is None:
        raise DomainError("turn_ended")
    tracker = cast_ballot(session, tablet.ballot_id, voter, choices, tracker=tracker)
    tablet.turn_hash = None
    session.flush()
    return tracker


def end_turn(session: Session, tablet_id: int, nonce: str | None) -> None:
    """The turn ends without a ballot (the delegate pressed Cancel, or it ran out of time)."""
    begin_write(session)
    tablet = session.get(HallTablet, tablet_id)
    if tablet is not None and turn_running(session, tablet_id, nonce):
        tablet.turn_hash = None
        session.flush()
