"""Mobile numbers: one person, one account.

A mainland mobile number is an account's key once it is **confirmed** by a six-digit code
sent to it: a confirmed number belongs to one account at most (a unique index on the
number over the confirmed rows of `users`). The same codes sign a person in. A code is
stored nowhere: it is an HMAC of its row's random nonce under the app's secret key (the
worker that sends it derives it again), and the row keeps an HMAC of the code to check what
is typed, as `votes.sessions.PasswordReset` does. Codes expire, work once, burn after five
wrong tries, and a number receives only so many of them in an hour, whoever asks.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from votes.base import Base, DomainError, utcnow
from votes.people import User

CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5  # wrong codes that burn a code
CODES_PER_HOUR = 3  # codes sent to one number in an hour, whoever asks; more are not sent
# Mainland China: 11 digits, 1 then 3–9. Spaces, dashes and dots are typed between groups,
# and +86, 86 or 0086 before the number.
_SEPARATORS = re.compile(r"[\s\-.()（）]")
_SHAPE = re.compile(r"^(?:\+86|0086|86)?(1[3-9]\d{9})$")


def normalise_mobile(text: str | None) -> str:
    """The number as stored, 11 digits, from what a person typed (full-width digits too:
    "＋86 138-0013-8000" is 13800138000). Raises DomainError("mobile_malformed")."""
    typed = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text or ""))
    matched = _SHAPE.match(typed)
    if matched is None:
        raise DomainError("mobile_malformed", field="mobile")
    return matched.group(1)


def is_mobile(text: str | None) -> bool:
    try:
        normalise_mobile(text)
    except DomainError:
        return False
    return True


def masked(number: str | None) -> str:
    """138****8000: enough for a person to recognise their own number on a page."""
    if not number or len(number) != 11:
        return number or ""
    return f"{number[:3]}****{number[7:]}"


class Purpose(enum.StrEnum):
    CONFIRM = "confirm"  # proves the number is the account holder's
    SIGN_IN = "sign_in"  # signs in to the account whose confirmed number it is
    ENTRY = "entry"  # confirms what staff entered in the person's name (proposals/assisted)


class MobileCode(Base):
    """A six-digit code sent to a number: ten minutes, once, five wrong tries at most."""

    __tablename__ = "mobile_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(10))
    number: Mapped[str] = mapped_column(String(11))
    nonce: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    wrong_tries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # Burned (too many wrong tries) or replaced by a newer code.
    ended_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_mobile_codes_number_created", "number", "created_at"),
        Index("ix_mobile_codes_user_purpose", "user_id", "purpose", "created_at"),
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every moment stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _mac(secret: bytes, *parts: str) -> bytes:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).digest()


def code_of(row: MobileCode, secret: bytes) -> str:
    """The six digits the person receives, derived again from the row."""
    digest = _mac(secret, "mobile", row.purpose, row.nonce)
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def _code_hash(secret: bytes, purpose: str, code: str) -> str:
    return _mac(secret, "mobile code", purpose, "".join(code.split())).hex()


# --- whose number ------------------------------------------------------------------------


def confirmed_owner(session: Session, number: str) -> User | None:
    """The account whose confirmed number this is (active or not), or None."""
    return session.scalar(select(User).where(User.mobile == number,
                                             User.mobile_confirmed_at.is_not(None)))


def account_with_mobile(session: Session, text: str | None) -> User | None:
    """The active account whose confirmed number `text` is, in any typed form; else None."""
    try:
        number = normalise_mobile(text)
    except DomainError:
        return None
    owner = confirmed_owner(session, number)
    return owner if owner is not None and owner.active else None


def has_confirmed_mobile(user: User) -> bool:
    return user.mobile_confirmed_at is not None


def awaits_confirmation(user: User) -> bool:
    """The account gave a number that no code has confirmed yet: it does nothing that needs
    a person (being verified as a resident) until one does."""
    return bool(user.mobile) and user.mobile_confirmed_at is None


# --- codes -------------------------------------------------------------------------------


def sent_lately(session: Session, number: str, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(hours=1)
    return session.scalar(select(func.count()).select_from(MobileCode).where(
        MobileCode.number == number, MobileCode.created_at > since)) or 0


def issue_code(session: Session, user: User, purpose: Purpose, number: str, secret: bytes,
               now: datetime | None = None) -> MobileCode | None:
    """A fresh code to `number` for `user` (their earlier codes of this purpose stop
    working), or None when the number had CODES_PER_HOUR codes this hour."""
    now = now or utcnow()
    number = normalise_mobile(number)
    if sent_lately(session, number, now) >= CODES_PER_HOUR:
        return None
    session.execute(update(MobileCode).where(
        MobileCode.user_id == user.id, MobileCode.purpose == purpose.value,
        MobileCode.used_at.is_(None), MobileCode.ended_at.is_(None)).values(ended_at=now)
        .execution_options(synchronize_session=False))
    row = MobileCode(user_id=user.id, purpose=purpose.value, number=number,
                     nonce=secrets.token_hex(32), wrong_tries=0, created_at=now,
                     expires_at=now + CODE_LIFETIME)
    row.code_hash = _code_hash(secret, purpose.value, code_of(row, secret))
    session.add(row)
    session.flush()
    return row


def is_live(row: MobileCode, now: datetime | None = None) -> bool:
    return (row.used_at is None and row.ended_at is None
            and _aware(row.expires_at) > (now or utcnow()))


class Check(enum.StrEnum):
    OK = "ok"
    WRONG = "mobile_code_wrong"  # wrong, or no code for this account: one answer
    EXPIRED = "mobile_code_expired"  # expired or used: also said as "wrong or expired"
    BURNED = "mobile_code_burned"  # this wrong try was the last one


@dataclass(frozen=True)
class Checked:
    outcome: Check
    row: MobileCode | None = None


def check_code(session: Session, user: User | None, purpose: Purpose, code: str,
               secret: bytes, now: datetime | None = None) -> Checked:
    """Check a typed code against the account's newest code of this purpose. A wrong try
    counts (flushed: the caller commits it, whatever the outcome); the fifth burns the code.
    A code already used, or replaced by a newer one, is never the newest live one."""
    now = now or utcnow()
    if user is None:
        return Checked(Check.WRONG)
    row = session.scalar(select(MobileCode).where(
        MobileCode.user_id == user.id, MobileCode.purpose == purpose.value)
        .order_by(MobileCode.created_at.desc(), MobileCode.id.desc()).limit(1))
    if row is None:
        return Checked(Check.WRONG)
    if not is_live(row, now):
        return Checked(Check.EXPIRED)
    if hmac.compare_digest(_code_hash(secret, purpose.value, code or ""), row.code_hash):
        return Checked(Check.OK, row)
    row.wrong_tries += 1
    if row.wrong_tries >= CODE_TRIES:
        row.ended_at = now
        session.flush()
        return Checked(Check.BURNED)
    session.flush()
    return Checked(Check.WRONG)


def spend(row: MobileCode, now: datetime | None = None) -> None:
    row.used_at = now or utcnow()


# --- confirming --------------------------------------------------------------------------


def confirm_mobile(session: Session, user: User, row: MobileCode,
                   now: datetime | None = None) -> None:
    """The code was right: the number is the account's, confirmed. Refused, with nothing
    written, when another account has confirmed it already (the database keeps that too)."""
    now = now or utcnow()
    if row.purpose != Purpose.CONFIRM or row.user_id != user.id:
        raise DomainError("mobile_code_wrong", field="code")
    owner = confirmed_owner(session, row.number)
    if owner is not None and owner.id != user.id:
        raise DomainError("mobile_taken", field="code")
    try:
        with session.begin_nested():
            user.mobile = row.number
            user.mobile_confirmed_at = now
            row.used_at = now
            session.flush()
    except IntegrityError:
        # Another account confirmed the number in the same moment: the unique index held.
        raise DomainError("mobile_taken", field="code") from None


def check_new_mobile(session: Session, number: str, *, user: User | None = None) -> str:
    """A number given for an account (typed by the person or an administrator): normalised,
    and refused when another account has confirmed it."""
    number = normalise_mobile(number)
    owner = confirmed_owner(session, number)
    if owner is not None and (user is None or owner.id != user.id):
        raise DomainError("mobile_taken", field="mobile")
    return number
