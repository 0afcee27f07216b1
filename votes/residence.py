"""The register of residents (居民登记): who is verified as living in which community.

A person is verified in at most one community at a time: in person at a service counter by
an official who keeps that community's register (who, when, on what evidence — the kind of
document seen, never its number), or by a one-time household code (门牌码) the register's
keeper printed and mailed to an address. Moving ends the old verification; nothing is
deleted, so the register's history is its rows plus the append-only `register_log`.

What verification unlocks is decided where it is used: a council's electorate is its
community's verified residents when the election opens (`proposals.council`); raising a
council topic and rating projects as a resident need a verification too.
"""

from __future__ import annotations

import enum
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.base import Base, DomainError, utcnow
from votes.people import Role, User
from votes.places import Level, Place, keeps_register, set_home

EVIDENCE_MAX = 80
ADDRESS_MAX = 120
REASON_MAX = 200
CODE_LIFETIME = timedelta(days=90)
CODES_AT_ONCE = 200
# A run of digits this long is an identity-card or household-book number, which the
# register must never hold.
NUMBER_RUN = re.compile(r"\d{6,}")
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off paper
CODE_LENGTH = 12
MOVED = "moved"  # the reason kept when a person moves (shown in their language)


class Method(enum.StrEnum):
    COUNTER = "counter"  # seen in person at a service counter
    HOUSEHOLD_CODE = "household_code"  # a one-time code mailed to the address
    ROSTER = "roster"  # the confirmed mobile number is on the community's roster


class Residency(Base):
    """One verification of one person in one community, live until ended."""

    __tablename__ = "residencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    method: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str | None] = mapped_column(String(EVIDENCE_MAX))
    address: Mapped[str | None] = mapped_column(String(ADDRESS_MAX))
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    end_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    place: Mapped[Place] = relationship()
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    __table_args__ = (
        # One live verification per person, kept by the database.
        Index("uq_residencies_user_live", "user_id", unique=True,
              sqlite_where=text("ended_at IS NULL"),
              postgresql_where=text("ended_at IS NULL")),
        Index("ix_residencies_place_live", "place_id", "ended_at"),
    )


class HouseholdCode(Base):
    """A one-time code for one address; the table keeps only its sha256."""

    __tablename__ = "household_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    place: Mapped[Place] = relationship()


class RegisterAction(enum.StrEnum):
    VERIFIED = "verified"
    ENDED = "ended"
    CODES_ISSUED = "codes_issued"
    CODE_WITHDRAWN = "code_withdrawn"
    ROSTER_IMPORTED = "roster_imported"


class RegisterEntry(Base):
    """The register's log: every change, who made it and when. Append-only."""

    __tablename__ = "register_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    action: Mapped[str] = mapped_column(String(20))
    # Whose entry changed (none for a batch of codes) and who changed it (the person
    # themself when they use a code or move).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    detail: Mapped[str | None] = mapped_column(String(REASON_MAX))

    place: Mapped[Place] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    __table_args__ = (Index("ix_register_log_place_at", "place_id", "at"),)


@event.listens_for(RegisterEntry, "before_update")
@event.listens_for(RegisterEntry, "before_delete")
def _append_only(_mapper, _connection, _target) -> None:
    raise DomainError("register_log_append_only")


def _log(session: Session, place: Place, action: RegisterAction, *, user: User | None,
         actor: User | None, detail: str | None = None) -> None:
    session.add(RegisterEntry(place_id=place.id, action=action.value,
                              user_id=user.id if user else None,
                              actor_id=actor.id if actor else None,
                              detail=(detail or None) and detail[:REASON_MAX]))


# --- reading -----------------------------------------------------------------------------


def live_residency(session: Session, user_id: int) -> Residency | None:
    return session.scalar(select(Residency).where(
        Residency.user_id == user_id, Residency.ended_at.is_(None)))


def verified_community(session: Session, user: User | None) -> Place | None:
    """The community the person is verified in now, or None."""
    if user is None or not getattr(user, "is_authenticated", False) or user.id is None:
        return None
    found = live_residency(session, user.id)
    return found.place if found else None


def is_verified_in(session: Session, user: User | None, community: str | Place) -> bool:
    place = verified_community(session, user)
    if place is None:
        return False
    return place.id == community.id if isinstance(community, Place) else place.name == community


def is_verified(session: Session, user: User | None) -> bool:
    return verified_community(session, user) is not None


def verified_residents(session: Session, community: Place) -> list[User]:
    """The active accounts verified in the community now, in a stable order."""
    return list(session.scalars(
        select(User).join(Residency, Residency.user_id == User.id)
        .where(Residency.place_id == community.id, Residency.ended_at.is_(None),
               User.active.is_(True))
        .order_by(User.id)))


def history(session: Session, user_id: int) -> list[Residency]:
    return list(session.scalars(select(Residency).where(Residency.user_id == user_id)
                                .order_by(Residency.verified_at.desc(), Residency.id.desc())))


def register_log(session: Session, community: Place, *, limit: int = 50,
                 offset: int = 0) -> list[RegisterEntry]:
    return list(session.scalars(
        select(RegisterEntry).where(RegisterEntry.place_id == community.id)
        .order_by(RegisterEntry.at.desc(), RegisterEntry.id.desc())
        .limit(limit).offset(offset)))


# --- changing ----------------------------------------------------------------------------


def _require_keeper(session: Session, actor: User, community: Place) -> None:
    if community.level != Level.COMMUNITY:
        raise DomainError("not_a_community")
    if not keeps_register(session, actor, community):
        raise DomainError("not_register_keeper", community=community.name)


def _clean_evidence(evidence: str | None) -> str:
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError("required", field="evidence")
    if len(evidence) > EVIDENCE_MAX:
        raise DomainError("too_long", field="evidence", max=EVIDENCE_MAX)
    if NUMBER_RUN.search(evidence):
        raise DomainError("evidence_has_number")
    return evidence


def _clean_address(address: str | None, *, required: bool = False) -> str | None:
    address = (address or "").strip() or None
    if address is None and required:
        raise DomainError("required", field="address")
    if address is not None and len(address) > ADDRESS_MAX:
        raise DomainError("too_long", field="address", max=ADDRESS_MAX)
    return address


def _start(session: Session, user: User, community: Place, *, method: Method,
           actor: User | None, evidence: str | None, address: str | None,
           end_other: bool) -> Residency:
    if not user.active:
        raise DomainError("account_inactive")
    if user.mobile and user.mobile_confirmed_at is None:
        # One person, one account: a number given is confirmed before the account counts
        # as a person (votes/mobiles.py). Accounts without a phone are verified as before.
        raise DomainError("mobile_unconfirmed")
    current = live_residency(session, user.id)
    if current is not None:
        if current.place_id == community.id:
            raise DomainError("already_verified", community=community.name)
        if not end_other:
            raise DomainError("verified_elsewhere", community=current.place.name)
        _end(session, current, actor=actor or user, reason=MOVED)
    found = Residency(user_id=user.id, place_id=community.id, method=method.value,
                      evidence=evidence, address=address,
                      verified_by_id=actor.id if actor else None)
    session.add(found)
    set_home(session, user, community)
    _log(session, community, RegisterAction.VERIFIED, user=user, actor=actor or user,
         detail=method.value)
    session.flush()
    return found


def _end(session: Session, residency: Residency, *, actor: User, reason: str) -> None:
    residency.ended_at = utcnow()
    residency.ended_by_id = actor.id
    residency.end_reason = reason[:REASON_MAX]
    _log(session, residency.place, RegisterAction.ENDED, user=residency.user, actor=actor,
         detail=reason)
    session.flush()


def verify_at_counter(session: Session, actor: User, user: User, community: Place, *,
                      evidence: str, address: str | None = None,
                      end_other: bool = False) -> Residency:
    """An official saw the person and a document at the counter. A person verified in
    another community is refused unless the official confirms ending that first."""
    _require_keeper(session, actor, community)
    if user.id == actor.id and not actor.has_role(Role.ADMIN):
        raise DomainError("verify_self")
    return _start(session, user, community, method=Method.COUNTER, actor=actor,
                  evidence=_clean_evidence(evidence), address=_clean_address(address),
                  end_other=end_other)


def verify_from_roster(session: Session, actor: User | None, user: User, community: Place,
                       *, address: str | None = None) -> Residency:
    """The person's confirmed mobile number is on the community's roster (votes/roster.py):
    verified there, by the keeper who imported it (`actor`) or at the person's own
    confirmation (None). A person verified elsewhere is not moved: refused as ever."""
    return _start(session, user, community, method=Method.ROSTER, actor=actor, evidence=None,
                  address=_clean_address(address), end_other=False)


def end_verification(session: Session, actor: User, residency: Residency, reason: str) -> None:
    """The register's keeper ends a verification (moved away, died, entered in error)."""
    _require_keeper(session, actor, residency.place)
    if residency.ended_at is not None:
        raise DomainError("verification_ended")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("required", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("too_long", field="reason", max=REASON_MAX)
    _end(session, residency, actor=actor, reason=reason)


def move(session: Session, user: User, community: Place | str | None) -> bool:
    """The person says they live somewhere else now (a community on the list of places, or
    none): a verification elsewhere ends.

    Returns whether a verification was ended."""
    current = live_residency(session, user.id)
    set_home(session, user, community)
    if current is None or current.place_id == user.place_id:
        return False
    _end(session, current, actor=user, reason=MOVED)
    return True


# --- household codes ---------------------------------------------------------------------


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _digest(code: str) -> str:
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class IssuedCode:
    address: str
    code: str  # shown once, on the printed sheet

    @property
    def printed(self) -> str:
        return format_code(self.code)


def issue_household_codes(session: Session, actor: User, community: Place,
                          addresses: list[str]) -> list[IssuedCode]:
    """One code per address, valid for 90 days and one use; returned once, to be printed."""
    _require_keeper(session, actor, community)
    cleaned = []
    for n, raw in enumerate(addresses, start=1):
        try:
            cleaned.append(_clean_address(raw, required=True))
        except DomainError as error:
            error.params.setdefault("row", n)
            raise
    if not cleaned:
        raise DomainError("required", field="addresses")
    if len(cleaned) > CODES_AT_ONCE:
        raise DomainError("too_many_codes", max=CODES_AT_ONCE)
    issued = []
    expires = utcnow() + CODE_LIFETIME
    for address in cleaned:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        session.add(HouseholdCode(place_id=community.id, address=address,
                                  code_hash=_digest(code), issued_by_id=actor.id,
                                  expires_at=expires))
        issued.append(IssuedCode(address, code))
    _log(session, community, RegisterAction.CODES_ISSUED, user=None, actor=actor,
         detail=str(len(issued)))
    session.flush()
    return issued


def find_code(session: Session, code: str) -> HouseholdCode | None:
    return session.scalar(select(HouseholdCode).where(HouseholdCode.code_hash == _digest(code)))


def redeem_household_code(session: Session, user: User, code: str, *,
                          end_other: bool = False) -> Residency:
    """The resident types the code from the letter: verified at that address, once."""
    found = find_code(session, code or "")
    if found is None:
        raise DomainError("household_code_wrong")
    if found.used_at is not None:
        raise DomainError("household_code_used")
    if _aware(found.expires_at) <= utcnow():
        raise DomainError("household_code_expired")
    residency = _start(session, user, found.place, method=Method.HOUSEHOLD_CODE, actor=None,
                       evidence=None, address=found.address, end_other=end_other)
    found.used_at = utcnow()
    found.used_by_id = user.id
    session.flush()
    return residency


def open_codes(session: Session, community: Place) -> list[HouseholdCode]:
    """Codes issued and not yet used or expired, newest first (their addresses only)."""
    return list(session.scalars(
        select(HouseholdCode).where(HouseholdCode.place_id == community.id,
                                    HouseholdCode.used_at.is_(None),
                                    HouseholdCode.expires_at > utcnow())
        .order_by(HouseholdCode.issued_at.desc(), HouseholdCode.id.desc())))


def withdraw_code(session: Session, actor: User, code: HouseholdCode) -> None:
    """A letter lost or sent to the wrong door: the code stops working."""
    _require_keeper(session, actor, code.place)
    if code.used_at is not None:
        raise DomainError("household_code_used")
    code.expires_at = utcnow()
    _log(session, code.place, RegisterAction.CODE_WITHDRAWN, user=None, actor=actor,
         detail=code.address)
    session.flush()


def residents_query(community: Place):
    """The community's live verifications, newest first: a statement to paginate."""
    return (select(Residency).where(Residency.place_id == community.id,
                                    Residency.ended_at.is_(None))
            .order_by(Residency.verified_at.desc(), Residency.id.desc()))


def verified_count(session: Session, community: Place) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(Residency).where(
        Residency.place_id == community.id, Residency.ended_at.is_(None))) or 0
