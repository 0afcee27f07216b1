"""The hall's big screen (大屏): what the projector at the front shows for one ballot.

Officials switch it from the ballot desk between the ballot's title and rules, the live
turnout, and the result. The screen itself is a public page, so it can show nothing that
is not public already: while a ballot is open only its turnout (entitled, present, cast),
and its result only once the result is published. Asked for the result before then, the
screen shows the turnout, and says the result comes with publication.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from votes.ballots import Ballot, BallotMode, BallotRosterEntry, BallotStatus
from votes.base import Base, DomainError, utcnow
from votes.casting import require_teller, turnout
from votes.mixed import count_issued
from votes.people import User


class Showing(enum.StrEnum):
    TITLE = "title"  # the ballot's title and its rules, before the vote
    TURNOUT = "turnout"  # entitled, present and cast, live
    RESULT = "result"  # the published result


class BallotScreen(Base):
    """What an official chose for the ballot's screen; no row: as the ballot's state implies."""

    __tablename__ = "ballot_screens"

    ballot_id: Mapped[int] = mapped_column(
        ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    showing: Mapped[str] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


@dataclass(frozen=True)
class ScreenState:
    chosen: Showing  # what the desk asked for
    showing: Showing  # what the screen may show now
    entitled: int
    present: int
    cast: int
    status: BallotStatus
    # A ballot of paper and electronic (votes/mixed.py): paper ballots handed out at the box;
    # None for a ballot of one kind.
    paper: int | None = None


def default_showing(ballot: Ballot) -> Showing:
    if ballot.status == BallotStatus.PUBLISHED:
        return Showing.RESULT
    if ballot.status == BallotStatus.DRAFT:
        return Showing.TITLE
    return Showing.TURNOUT


def allowed(ballot: Ballot, showing: Showing) -> Showing:
    """What the screen shows when `showing` is asked for: never a result before it is public."""
    if showing == Showing.RESULT and ballot.status != BallotStatus.PUBLISHED:
        return Showing.TURNOUT
    return showing


def show(session: Session, actor: User, ballot: Ballot, showing: str) -> BallotScreen:
    """Switch the ballot's screen. The result may be chosen only once it is published."""
    require_teller(actor, ballot)
    try:
        chosen = Showing(showing)
    except ValueError:
        raise DomainError("invalid_choice") from None
    if ballot.status == BallotStatus.DRAFT:
        raise DomainError("not_open")
    if chosen == Showing.RESULT and ballot.status != BallotStatus.PUBLISHED:
        raise DomainError("screen_result_not_published")
    screen = session.get(BallotScreen, ballot.id)
    if screen is None:
        screen = BallotScreen(ballot_id=ballot.id, showing=chosen.value, changed_by_id=actor.id)
        session.add(screen)
    else:
        screen.showing, screen.changed_at, screen.changed_by_id = chosen.value, utcnow(), actor.id
    session.flush()
    return screen


def present_count(session: Session, ballot: Ballot) -> int:
    if ballot.present is not None:  # frozen at closing
        return ballot.present
    return session.scalar(select(func.count()).select_from(BallotRosterEntry).where(
        BallotRosterEntry.ballot_id == ballot.id, BallotRosterEntry.present.is_(True))) or 0


def screen_state(session: Session, ballot: Ballot) -> ScreenState:
    if ballot.status == BallotStatus.DRAFT:
        raise DomainError("not_open")
    screen = session.get(BallotScreen, ballot.id)
    chosen = Showing(screen.showing) if screen is not None else default_showing(ballot)
    cast, entitled = turnout(session, ballot)
    paper = None
    if ballot.mode == BallotMode.MIXED:
        paper = count_issued(session, ballot.id)
    return ScreenState(chosen=chosen, showing=allowed(ballot, chosen), entitled=entitled,
                       present=present_count(session, ballot), cast=cast,
                       status=BallotStatus(ballot.status), paper=paper)
