"""The outbox (one delivery per notification and channel) and each person's channel choices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from votes.base import Base, utcnow


class Channel(enum.StrEnum):
    EMAIL = "email"  # one email per notice, as soon as the worker gets to it
    DIGEST = "digest"  # the day's notices in one email, after the digest hour
    SMS = "sms"


class Status(enum.StrEnum):
    PENDING = "pending"  # due at next_attempt_at
    SENDING = "sending"  # claimed by a worker until claimed_until; due again after that
    SENT = "sent"  # the server said it took it (SMTP's final 250, the gateway's 2xx)
    FAILED = "failed"  # refused for good, or every retry used up
    SKIPPED = "skipped"  # nothing to send to any more (address removed, channel turned off)


class EmailChoice(enum.StrEnum):
    EACH = "each"
    DIGEST = "digest"
    OFF = "off"


class SmsChoice(enum.StrEnum):
    EACH = "each"
    OFF = "off"


# Without a row of their own, a person gets each notice by email (when they gave an address)
# and none by SMS, which costs money per message.
DEFAULT_EMAIL = EmailChoice.EACH
DEFAULT_SMS = SmsChoice.OFF


class NoticeDelivery(Base):
    """One notification to be sent on one channel, written in the notification's transaction.

    `key` is the delivery's idempotency key: the email's Message-ID and the SMS gateway's
    message id are made from it, so a receiver can recognise a second copy.
    """

    __tablename__ = "notice_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=Status.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The worker's claim: a random token, and when the claim lapses if the worker is gone.
    claim: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("notification_id", "channel"),
        Index("ix_notice_deliveries_due", "status", "next_attempt_at"),
        Index("ix_notice_deliveries_user", "user_id", "channel", "status"),
    )


class NoticePreference(Base):
    """How one person wants their notices beyond the site's own list."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(10), default=DEFAULT_EMAIL.value)
    sms: Mapped[str] = mapped_column(String(10), default=DEFAULT_SMS.value)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
