"""Mobile codes through the notices outbox, as reset codes go (app/auth/reset_notice.py).

The outbox row is written in the transaction that issues the code; the worker hands a
delivery of kind "mobile_code" to `mobile_sender`, which derives the code again from the
row's nonce and the secret key (the code is stored nowhere) and texts it to the number the
code was issued for, whatever the person's notice choices: it was asked for.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import partial

from flask import Flask, flash
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.notices.rendering import reading_as
from proposals.collection.models import Notification
from proposals.notices.models import Channel, NoticeDelivery
from votes.base import utcnow
from votes.mobiles import (
    CODE_LIFETIME,
    MobileCode,
    Purpose,
    code_of,
    is_live,
    issue_code,
    masked,
)
from votes.people import User

MOBILE_KIND = "mobile_code"


class NothingToSend(Exception):
    """The delivery is skipped, for the reason given."""


def mobile_secret(app: Flask) -> bytes:
    """The key mobile codes are derived under: the app's secret, kept apart by a label."""
    key = app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"yishi mobile code\x00" + key).digest()


def minutes() -> int:
    return int(CODE_LIFETIME.total_seconds() // 60)


def sent(row: MobileCode | None) -> None:
    """What the person is told once a code is asked for them (flashed)."""
    if row is None:
        flash(_("This number has had three codes this hour. Wait a little, then ask again."),
              "error")
    else:
        flash(_("A code is on its way to %(number)s by text message. It works once, for "
                "%(minutes)d minutes.", number=masked(row.number), minutes=minutes()), "info")


def send_mobile_code(session: Session, user: User, purpose: Purpose, number: str,
                     secret: bytes) -> MobileCode | None:
    """Issue a code to `number` and put it in the outbox; None when the number had its
    fill of codes this hour."""
    row = issue_code(session, user, purpose, number, secret)
    if row is None:
        return None
    now = utcnow()
    notice = Notification(user_id=user.id, kind=MOBILE_KIND,
                          params={"code": row.id, "purpose": purpose.value}, created_at=now)
    session.add(notice)
    session.flush()
    session.add(NoticeDelivery(notification_id=notice.id, user_id=user.id,
                               channel=Channel.SMS.value, key=uuid.uuid4().hex,
                               next_attempt_at=now, created_at=now))
    session.flush()
    return row


def mobile_sender(app: Flask, session: Session, user: User | None, notice: Notification,
                  key: str, sms) -> Callable[[], None]:
    """The worker's send of one mobile code; raises NothingToSend when it must be skipped."""
    if user is None or not user.active:
        raise NothingToSend("the account is gone")
    row = session.get(MobileCode, (notice.params or {}).get("code"))
    if row is None or not is_live(row):
        raise NothingToSend("the code has expired or was used")
    if sms is None:
        raise NothingToSend("no SMS gateway is configured (SMS_URL)")
    code = code_of(row, mobile_secret(app))
    with reading_as(app, user):
        if row.purpose == Purpose.ENTRY:
            text = _("[Yishi] Staff entered something in your name. To confirm it, sign in, "
                     "open “Entered for me” and type %(code)s (it works once, for %(minutes)d "
                     "minutes). If you did not ask for it, say so there.", code=code,
                     minutes=minutes())
        elif row.purpose == Purpose.SIGN_IN:
            text = _("[Yishi] Your code to sign in: %(code)s. It works once, for %(minutes)d "
                     "minutes. Do not tell it to anyone.", code=code, minutes=minutes())
        else:
            text = _("[Yishi] Your code to confirm this number: %(code)s. It works once, for "
                     "%(minutes)d minutes. Do not tell it to anyone.", code=code,
                     minutes=minutes())
    return partial(sms.send, "+86" + row.number, text, key)
