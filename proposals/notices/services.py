"""Writing the outbox beside each notification, and each person's choice of channels."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.notices.models import (
    DEFAULT_EMAIL,
    DEFAULT_SMS,
    Channel,
    EmailChoice,
    NoticeDelivery,
    NoticePreference,
    SmsChoice,
)
from votes.base import DomainError, utcnow
from votes.people import User


class Notice(Protocol):
    """What the outbox needs of a notification (proposals.collection.models.Notification)."""

    id: int
    user_id: int


@dataclass(frozen=True)
class Choices:
    email: EmailChoice
    sms: SmsChoice


def mobile_of(user: User) -> str | None:
    """The number SMS goes to: users.mobile, when the account has one."""
    return getattr(user, "mobile", None) or None


def choices_of(session: Session, user_id: int) -> Choices:
    row = session.get(NoticePreference, user_id)
    if row is None:
        return Choices(DEFAULT_EMAIL, DEFAULT_SMS)
    return Choices(EmailChoice(row.email), SmsChoice(row.sms))


def choose_channels(session: Session, user: User, *, email: str, sms: str) -> Choices:
    """Set how `user` is told of their notices (the site's own list is always kept)."""
    try:
        chosen = Choices(EmailChoice(email), SmsChoice(sms))
    except ValueError:
        raise DomainError("notice_channel_unknown") from None
    if chosen.email is not EmailChoice.OFF and not user.email:
        raise DomainError("notice_email_missing", field="email")
    if chosen.sms is not SmsChoice.OFF and not mobile_of(user):
        raise DomainError("notice_mobile_missing", field="sms")
    row = session.get(NoticePreference, user.id)
    if row is None:
        row = NoticePreference(user_id=user.id)
        session.add(row)
    row.email, row.sms = chosen.email.value, chosen.sms.value
    session.flush()
    return chosen


def channels_for(user: User, choices: Choices) -> list[Channel]:
    """The channels a notice to `user` goes out on: those chosen that have an address."""
    channels = []
    if user.email and choices.email is EmailChoice.EACH:
        channels.append(Channel.EMAIL)
    elif user.email and choices.email is EmailChoice.DIGEST:
        channels.append(Channel.DIGEST)
    if mobile_of(user) and choices.sms is SmsChoice.EACH:
        channels.append(Channel.SMS)
    return channels


def queue_deliveries(session: Session, notices: Iterable[Notice]) -> list[NoticeDelivery]:
    """Add the outbox rows of freshly added notifications, in the caller's transaction.

    Called by whatever writes a notification, so the notice and its deliveries are committed
    together or not at all; the worker (app/notices/worker.py) sends them later.
    """
    notices = list(notices)
    if not notices:
        return []
    session.flush()  # the notifications' ids
    user_ids = {notice.user_id for notice in notices}
    users = {user.id: user for user in session.scalars(select(User).where(User.id.in_(user_ids)))}
    rows = {row.user_id: row for row in session.scalars(
        select(NoticePreference).where(NoticePreference.user_id.in_(user_ids)))}
    now = utcnow()
    added = []
    for notice in notices:
        user = users.get(notice.user_id)
        if user is None or not user.active:
            continue
        row = rows.get(notice.user_id)
        choices = (Choices(EmailChoice(row.email), SmsChoice(row.sms)) if row
                   else Choices(DEFAULT_EMAIL, DEFAULT_SMS))
        for channel in channels_for(user, choices):
            added.append(NoticeDelivery(notification_id=notice.id, user_id=notice.user_id,
                                        channel=channel.value, key=uuid.uuid4().hex,
                                        next_attempt_at=now, created_at=now))
    session.add_all(added)
    session.flush()
    return added
