"""Each sign-in a session of its own, ended on its own; one-time codes to set a new password.

A session's id lives only in its cookie; the table keeps its sha256, so a copy of the
database opens no session. A reset code is never stored either: it is an HMAC of the row's
random nonce under the app's secret key (the worker that sends it derives it again), and
the row keeps the code's HMAC to check what is typed.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from votes.base import Base, utcnow
from votes.people import User

SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often
RESET_LIFETIME = timedelta(minutes=30)
RESET_TRIES = 5  # wrong codes that burn a reset
RESETS_PER_HOUR = 3  # codes sent to one account in an hour; more are not sent


class AccountSession(Base):
    """One sign-in on one device, live until signed out, ended from elsewhere, or reset."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Browser family and system ("Chrome on Android"), from the User-Agent; no address kept.
    description: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_account_sessions_user_live", "user_id", "ended_at"),)


class ResetChannel(enum.StrEnum):
    EMAIL = "email"  # a link with a long token
    SMS = "sms"  # six digits


class PasswordReset(Base):
    """A one-time code to set a new password: 30 minutes, once, five wrong tries at most."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    nonce: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    wrong_tries: Mapped[int] = mapped_column(default=0)
    # An administrator who had it sent, or None when the person asked for it.
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # Burned (too many wrong tries), replaced by a newer code, or ended by a new password.
    ended_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_password_resets_user_created", "user_id", "created_at"),)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every moment stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ---- sessions -------------------------------------------------------------------------

def start_session(session: Session, user: User, description: str,
                  now: datetime | None = None) -> tuple[AccountSession, str]:
    """A new live session for `user`; returns it and the token its cookie carries."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = AccountSession(user_id=user.id, token_hash=token_hash(token),
                         description=description[:80], created_at=now, last_seen_at=now)
    session.add(row)
    session.flush()
    return row, token


def live_session(session: Session, user_id: int, token: str) -> AccountSession | None:
    """The live session this token opens for this account, or None."""
    return session.scalar(select(AccountSession).where(
        AccountSession.token_hash == token_hash(token), AccountSession.user_id == user_id,
        AccountSession.ended_at.is_(None)))


def needs_touch(row: AccountSession, now: datetime | None = None) -> bool:
    return _aware(row.last_seen_at) + SEEN_EVERY <= (now or utcnow())


def touch(session: Session, session_id: int, now: datetime | None = None) -> None:
    session.execute(update(AccountSession).where(AccountSession.id == session_id)
                    .values(last_seen_at=now or utcnow())
                    .execution_options(synchronize_session=False))


def live_sessions(session: Session, user_id: int) -> list[AccountSession]:
    return list(session.scalars(
        select(AccountSession).where(AccountSession.user_id == user_id,
                                     AccountSession.ended_at.is_(None))
        .order_by(AccountSession.last_seen_at.desc(), AccountSession.id.desc())))


def end_session(session: Session, user_id: int, session_id: int,
                now: datetime | None = None) -> bool:
    """End one of the account's own sessions; False when it is not theirs or already ended."""
    ended = session.execute(
        update(AccountSession).where(AccountSession.id == session_id,
                                     AccountSession.user_id == user_id,
                                     AccountSession.ended_at.is_(None))
        .values(ended_at=now or utcnow()).execution_options(synchronize_session=False))
    return bool(ended.rowcount)


def end_sessions(session: Session, user_id: int, *, keep: int | None = None,
                 now: datetime | None = None) -> int:
    """End every live session of the account but `keep`; how many were ended."""
    where = [AccountSession.user_id == user_id, AccountSession.ended_at.is_(None)]
    if keep is not None:
        where.append(AccountSession.id != keep)
    ended = session.execute(update(AccountSession).where(*where)
                            .values(ended_at=now or utcnow())
                            .execution_options(synchronize_session=False))
    return ended.rowcount or 0


# ---- password resets ------------------------------------------------------------------

def _mac(secret: bytes, *parts: str) -> bytes:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).digest()


def reset_code(reset: PasswordReset, secret: bytes) -> str:
    """What the person receives: six digits by SMS, a 43-character token in an email link."""
    digest = _mac(secret, "reset", reset.channel, reset.nonce)
    if reset.channel == ResetChannel.SMS:
        return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _code_hash(secret: bytes, code: str) -> str:
    return _mac(secret, "code", code.strip()).hex()


def sent_lately(session: Session, user_id: int, now: datetime | None = None) -> int:
    since = (now or utcnow()) - timedelta(hours=1)
    return session.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.user_id == user_id, PasswordReset.created_at > since)) or 0


def issue_reset(session: Session, user: User, channel: ResetChannel, secret: bytes, *,
                issued_by: User | None = None, now: datetime | None = None,
                ) -> PasswordReset | None:
    """A fresh code for `user` (earlier ones stop working), or None past RESETS_PER_HOUR."""
    now = now or utcnow()
    if sent_lately(session, user.id, now) >= RESETS_PER_HOUR:
        return None
    session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None),
        PasswordReset.ended_at.is_(None)).values(ended_at=now)
        .execution_options(synchronize_session=False))
    reset = PasswordReset(user_id=user.id, channel=channel.value,
                          nonce=secrets.token_hex(32), wrong_tries=0,
                          issued_by_id=issued_by.id if issued_by else None,
                          created_at=now, expires_at=now + RESET_LIFETIME)
    reset.code_hash = _code_hash(secret, reset_code(reset, secret))
    session.add(reset)
    session.flush()
    return reset


def is_live(reset: PasswordReset, now: datetime | None = None) -> bool:
    return (reset.used_at is None and reset.ended_at is None
            and _aware(reset.expires_at) > (now or utcnow()))


class Check(enum.StrEnum):
    OK = "ok"
    WRONG = "reset_code_wrong"  # wrong code, or no code for this account: one answer
    EXPIRED = "reset_code_expired"
    BURNED = "reset_code_burned"  # this wrong try was the last one


@dataclass(frozen=True)
class Checked:
    outcome: Check
    reset: PasswordReset | None = None


def check_code(session: Session, user: User | None, code: str, secret: bytes,
               now: datetime | None = None) -> Checked:
    """Check a typed SMS code against the account's newest code. A wrong try counts (flushed:
    the caller commits it, whatever the outcome); the fifth burns the code."""
    now = now or utcnow()
    if user is None:
        return Checked(Check.WRONG)
    reset = session.scalar(select(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.channel == ResetChannel.SMS.value,
        PasswordReset.used_at.is_(None), PasswordReset.ended_at.is_(None))
        .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc()).limit(1))
    if reset is None:
        return Checked(Check.WRONG)
    if not is_live(reset, now):
        return Checked(Check.EXPIRED)
    if hmac.compare_digest(_code_hash(secret, code), reset.code_hash):
        return Checked(Check.OK, reset)
    reset.wrong_tries += 1
    if reset.wrong_tries >= RESET_TRIES:
        reset.ended_at = now
        session.flush()
        return Checked(Check.BURNED)
    session.flush()
    return Checked(Check.WRONG)


def check_link(session: Session, token: str, secret: bytes,
               now: datetime | None = None) -> Checked:
    """The email link's reset: OK while live; a token is too long to guess, so no tries."""
    if not token or len(token) > 100:
        return Checked(Check.WRONG)
    reset = session.scalar(select(PasswordReset).where(
        PasswordReset.code_hash == _code_hash(secret, token),
        PasswordReset.channel == ResetChannel.EMAIL.value))
    if reset is None:
        return Checked(Check.WRONG)
    if not is_live(reset, now):
        return Checked(Check.EXPIRED, reset)
    return Checked(Check.OK, reset)


def complete_reset(session: Session, reset: PasswordReset, password_hash: str,
                   now: datetime | None = None) -> User:
    """Set the new password: the code is spent, and every session of the account ends."""
    now = now or utcnow()
    user = session.get(User, reset.user_id)
    user.password_hash = password_hash
    reset.used_at = now
    session.execute(update(PasswordReset).where(
        PasswordReset.user_id == user.id, PasswordReset.id != reset.id,
        PasswordReset.used_at.is_(None), PasswordReset.ended_at.is_(None))
        .values(ended_at=now).execution_options(synchronize_session=False))
    end_sessions(session, user.id, now=now)
    session.flush()
    return user
