"""A reset code through the notices outbox: queued with the request, sent by the worker.

The outbox row is written in the reset's own transaction, like any notice's; the worker
(app/notices/delivery.py) hands a delivery of kind "password_reset" to `reset_sender`,
which derives the code again from the row's nonce and the secret key (the code itself is
stored nowhere) and sends it whatever the person's notice choices: it was asked for.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit

from flask import Flask, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.notices.mail import build_email
from app.notices.rendering import Rendered, language_of, reading_as
from proposals.collection.models import Notification
from proposals.notices.models import Channel, NoticeDelivery
from proposals.notices.services import mobile_of
from votes.base import utcnow
from votes.mobiles import account_with_mobile
from votes.people import User
from votes.sessions import (
    RESET_LIFETIME,
    PasswordReset,
    ResetChannel,
    is_live,
    issue_reset,
    reset_code,
)

RESET_KIND = "password_reset"
MOBILE_KIND = "mobile_code"  # app/auth/mobile_notice.py


class NothingToSend(Exception):
    """The delivery is skipped, for the reason given."""


def reset_secret(app: Flask) -> bytes:
    """The key reset codes are derived under: the app's secret, kept apart by a label."""
    key = app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"yishi password reset\x00" + key).digest()


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def find_account(session: Session, who: str) -> tuple[User | None, ResetChannel | None]:
    """The one active account `who` names (username, email or mobile number) and the channel
    its code goes on; (None, None) when none does, several do, or it has nowhere to send."""
    who = who.strip()
    user = session.scalar(select(User).where(User.username == who.lower()))
    by_number = False
    if user is None and "@" in who:
        found = session.scalars(select(User).where(
            func.lower(User.email) == who.lower()).limit(2)).all()
        user = found[0] if len(found) == 1 else None
    elif user is None and account_with_mobile(session, who) is not None:
        user, by_number = account_with_mobile(session, who), True  # its confirmed number
    elif user is None and len(_digits(who)) >= 7:
        number = _digits(who)
        national = number[2:] if number.startswith("86") and len(number) == 13 else number
        found = session.scalars(select(User).where(or_(
            User.mobile == who, User.mobile == national, User.mobile == "+86" + national,
        )).limit(2)).all()
        user, by_number = (found[0] if len(found) == 1 else None), True
    if user is None or not user.active:
        return None, None
    if by_number and mobile_of(user):
        return user, ResetChannel.SMS
    if user.email:
        return user, ResetChannel.EMAIL
    if mobile_of(user):
        return user, ResetChannel.SMS
    return None, None


def send_reset(session: Session, user: User, channel: ResetChannel, secret: bytes, *,
               issued_by: User | None = None) -> PasswordReset | None:
    """Issue a code and put it in the outbox; None when the account had its fill this hour."""
    reset = issue_reset(session, user, channel, secret, issued_by=issued_by)
    if reset is None:
        return None
    now = utcnow()
    notice = Notification(user_id=user.id, kind=RESET_KIND, params={"reset": reset.id},
                          created_at=now)
    session.add(notice)
    session.flush()
    session.add(NoticeDelivery(
        notification_id=notice.id, user_id=user.id,
        channel=(Channel.SMS if channel is ResetChannel.SMS else Channel.EMAIL).value,
        key=uuid.uuid4().hex, next_attempt_at=now, created_at=now))
    session.flush()
    return reset


def reset_sender(app: Flask, session: Session, user: User | None, notice: Notification,
                 channel: Channel, key: str, mailer, sms) -> Callable[[], None]:
    """The worker's send of one reset code (or mobile code: app/auth/mobile_notice.py);
    raises NothingToSend when it must be skipped."""
    if notice.kind == MOBILE_KIND:
        from app.auth import mobile_notice

        try:
            return mobile_notice.mobile_sender(app, session, user, notice, key, sms)
        except mobile_notice.NothingToSend as why:
            raise NothingToSend(str(why)) from None
    if user is None or not user.active:
        raise NothingToSend("the account is gone")
    reset = session.get(PasswordReset, (notice.params or {}).get("reset"))
    if reset is None or not is_live(reset):
        raise NothingToSend("the reset code has expired or was used")
    code = reset_code(reset, reset_secret(app))
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    if channel is Channel.SMS:
        if sms is None:
            raise NothingToSend("no SMS gateway is configured (SMS_URL)")
        if not mobile_of(user):
            raise NothingToSend("no mobile number")
        with reading_as(app, user):
            text = _("[Yishi] Your code to set a new password: %(code)s. It works once, "
                     "for %(minutes)d minutes. Do not tell it to anyone.",
                     code=code, minutes=minutes)
        return partial(sms.send, mobile_of(user), text, key)
    if mailer is None:
        raise NothingToSend("no SMTP server is configured (SMTP_URL)")
    if not user.email:
        raise NothingToSend("no email address")
    with reading_as(app, user):
        url = request.host_url.rstrip("/") + url_for("auth.reset_link", key=code)
        body = "\n".join([
            _("Someone, we hope you, asked to set a new password for the account "
              "%(username)s on Yishi.", username=user.username), "",
            _("To set it, open this link within %(minutes)d minutes; it works once:",
              minutes=minutes),
            url, "",
            _("If it was not you, ignore this email: your password stays as it is."), ""])
        rendered = Rendered(_("[Yishi] Set a new password"), body, url)
    domain = urlsplit(app.config["BASE_URL"]).hostname or "localhost"
    message = build_email(rendered, to=user.email, sender=app.config["MAIL_FROM"], key=key,
                          domain=domain, language=language_of(app, user))
    return partial(mailer.send, message)
