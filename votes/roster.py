"""The community's roster (户籍 / 居住名册): who the community knows lives there.

The keeper of a community's register imports the roster the community keeps (name, mobile
number, address within the community), checked whole: every row's problem is reported and
nothing is written unless every row is right. The file is the community's roster: its rows
replace the entries the community had. A number is on one community's roster at most.

A person whose **confirmed** mobile number is on the roster is verified in that community
(`votes.residence.verify_from_roster`): when the import finds a number confirmed already,
and when a person confirms a number that is on a roster. A person verified in another
community is not moved: the entry says so, and the keeper or the person ends the other
verification first.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.base import Base, DomainError, utcnow
from votes.mobiles import confirmed_owner, normalise_mobile
from votes.people import User
from votes.places import Level, Place, keeps_register
from votes.residence import (
    ADDRESS_MAX,
    RegisterAction,
    Residency,
    _log,
    live_residency,
    verify_from_roster,
)

NAME_MAX = 60


class RosterEntry(Base):
    """One person on a community's roster, by mobile number."""

    __tablename__ = "roster_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    # A number is on one community's roster at most, kept by the database.
    mobile: Mapped[str] = mapped_column(String(11), unique=True)
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    imported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place] = relationship()


@dataclass(frozen=True)
class RosterRow:
    """One row as a sheet gives it."""

    name: str
    mobile: str
    address: str | None = None


@dataclass(frozen=True)
class Imported:
    entries: int
    verified: int  # people verified here by this import
    elsewhere: int  # people on the roster verified in another community, left there


def _require_keeper(session: Session, actor: User, community: Place) -> None:
    if community.level != Level.COMMUNITY:
        raise DomainError("not_a_community")
    if not keeps_register(session, actor, community):
        raise DomainError("not_register_keeper", community=community.name)


def _clean(row: RosterRow) -> RosterRow:
    name = (row.name or "").strip()
    if not name:
        raise DomainError("required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError("too_long", field="name", max=NAME_MAX)
    try:
        mobile = normalise_mobile(row.mobile)
    except DomainError:
        raise DomainError("mobile_malformed", field="mobile") from None
    address = (row.address or "").strip() or None
    if address is not None and len(address) > ADDRESS_MAX:
        raise DomainError("too_long", field="address", max=ADDRESS_MAX)
    return RosterRow(name, mobile, address)


def problems(session: Session, community: Place,
             rows: Sequence[RosterRow]) -> list[tuple[int, DomainError]]:
    """Every row's problem (1-based row number, error); nothing is written."""
    found: list[tuple[int, DomainError]] = []
    first_row: dict[str, int] = {}
    for n, raw in enumerate(rows, start=1):
        try:
            row = _clean(raw)
            if row.mobile in first_row:
                raise DomainError("roster_mobile_twice", field="mobile",
                                  first=first_row[row.mobile])
            other = session.scalar(select(RosterEntry).where(
                RosterEntry.mobile == row.mobile, RosterEntry.place_id != community.id))
            if other is not None:
                raise DomainError("roster_mobile_elsewhere", field="mobile",
                                  community=other.place.name)
        except DomainError as error:
            found.append((n, error))
            continue
        first_row[row.mobile] = n
    return found


def import_roster(session: Session, actor: User, community: Place,
                  rows: Sequence[RosterRow]) -> Imported:
    """The community's roster becomes these rows, all or none; the people whose confirmed
    numbers are on it are verified here, unless verified elsewhere. The first problem is
    raised, with its row number in `row`, before anything is written."""
    _require_keeper(session, actor, community)
    if not rows:
        raise DomainError("empty_file")
    wrong = problems(session, community, rows)
    if wrong:
        n, error = wrong[0]
        error.params.setdefault("row", n)
        raise error
    cleaned = [_clean(row) for row in rows]
    keep = {row.mobile for row in cleaned}
    session.execute(delete(RosterEntry).where(RosterEntry.place_id == community.id,
                                              RosterEntry.mobile.not_in(keep))
                    .execution_options(synchronize_session=False))
    existing = {e.mobile: e for e in session.scalars(
        select(RosterEntry).where(RosterEntry.place_id == community.id))}
    now = utcnow()
    for row in cleaned:
        entry = existing.get(row.mobile)
        if entry is None:
            entry = RosterEntry(place_id=community.id, mobile=row.mobile)
            session.add(entry)
        entry.name, entry.address = row.name, row.address
        entry.imported_by_id, entry.imported_at = actor.id, now
    session.flush()
    _log(session, community, RegisterAction.ROSTER_IMPORTED, user=None, actor=actor,
         detail=str(len(cleaned)))
    verified = elsewhere = 0
    for row in cleaned:
        person = confirmed_owner(session, row.mobile)
        if person is None or not person.active:
            continue
        current = live_residency(session, person.id)
        if current is None:
            verify_from_roster(session, actor, person, community, address=row.address)
            verified += 1
        elif current.place_id != community.id:
            elsewhere += 1
    session.flush()
    return Imported(len(cleaned), verified, elsewhere)


def entry_for(session: Session, number: str) -> RosterEntry | None:
    return session.scalar(select(RosterEntry).where(RosterEntry.mobile == number))


def match_person(session: Session, user: User) -> Residency | None:
    """At confirmation: the person's number is on a roster and they are verified nowhere,
    so they are verified there now. Returns the verification made, or None."""
    if user.mobile_confirmed_at is None or not user.mobile:
        return None
    entry = entry_for(session, user.mobile)
    if entry is None or live_residency(session, user.id) is not None:
        return None
    return verify_from_roster(session, None, user, entry.place, address=entry.address)


class State(enum.StrEnum):
    NO_ACCOUNT = "no_account"  # no account has confirmed this number yet
    VERIFIED_HERE = "verified_here"
    VERIFIED_ELSEWHERE = "verified_elsewhere"
    NOT_VERIFIED = "not_verified"  # an account has it, verified nowhere (ended, or off)


@dataclass(frozen=True)
class Shown:
    entry: RosterEntry
    state: State
    person: User | None = None
    elsewhere: Place | None = None


def roster_of(session: Session, community: Place) -> list[Shown]:
    """The community's roster as the desk shows it: each entry with whose account has its
    number and where that person is verified (one query)."""
    rows = session.execute(
        select(RosterEntry, User, Residency)
        .outerjoin(User, (User.mobile == RosterEntry.mobile)
                   & User.mobile_confirmed_at.is_not(None))
        .outerjoin(Residency, (Residency.user_id == User.id) & Residency.ended_at.is_(None))
        .where(RosterEntry.place_id == community.id)
        .order_by(RosterEntry.address, RosterEntry.id))
    shown = []
    for entry, person, current in rows:
        if person is None:
            shown.append(Shown(entry, State.NO_ACCOUNT))
        elif current is None:
            shown.append(Shown(entry, State.NOT_VERIFIED, person))
        elif current.place_id == community.id:
            shown.append(Shown(entry, State.VERIFIED_HERE, person))
        else:
            shown.append(Shown(entry, State.VERIFIED_ELSEWHERE, person, current.place))
    return shown
