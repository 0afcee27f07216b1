"""Deliver what is due in the outbox, one claim at a time: claim, commit, send, mark, commit.

The claim is committed before the server is spoken to and the outcome after, so a worker
killed mid-send leaves only a claim; when it lapses (NOTICES_CLAIM_SECONDS) the delivery is
due again and goes out once. An SMTP transaction a dying worker leaves unfinished is dropped
by the server, which only takes a message at its final 250. What remains (docs/notices.md):
a worker killed after that 250 and before its commit sends the message again, with the same
Message-ID.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from flask import Flask
from rq.timeouts import JobTimeoutException
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db import KEEPS_PAGES
from app.notices.mail import (
    ConsoleMailer,
    DeliveryError,
    Mailer,
    SmtpMailer,
    build_email,
)
from app.notices.rendering import (
    language_of,
    reading_as,
    render_digest,
    render_email,
    render_sms,
)
from app.notices.sms import ConsoleSms, HttpSmsGateway, SmsProvider
from proposals.collection.models import Notification
from proposals.notices.models import Channel, EmailChoice, SmsChoice
from proposals.notices.outbox import (
    Claim,
    claim_next,
    give_up_lost,
    mark_failed,
    mark_sent,
    mark_skipped,
)
from proposals.notices.schedule import digest_cutoff
from proposals.notices.services import choices_of, mobile_of
from votes.base import utcnow
from votes.people import User

log = logging.getLogger("yishi.notices")


@dataclass
class Sweep:
    """What one pass over the outbox did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


def _console_allowed(app: Flask) -> bool:
    # In production a notice printed to a console would be a notice lost, marked sent.
    return app.config.get("ENV_NAME") != "production"


def mailer_for(app: Flask) -> Mailer | None:
    """The SMTP server of SMTP_URL; else the console in development, none in production."""
    url = app.config.get("SMTP_URL")
    if not url:
        return ConsoleMailer() if _console_allowed(app) else None
    return SmtpMailer(url, user=app.config.get("SMTP_USER"),
                      password=app.config.get("SMTP_PASSWORD"),
                      starttls=app.config.get("SMTP_STARTTLS", False),
                      timeout=app.config.get("SMTP_TIMEOUT", 30))


def sms_for(app: Flask) -> SmsProvider | None:
    """The gateway of SMS_URL; else the console in development, none in production."""
    url = app.config.get("SMS_URL")
    if not url:
        return ConsoleSms() if _console_allowed(app) else None
    return HttpSmsGateway(url, token=app.config.get("SMS_TOKEN"),
                          timeout=app.config.get("SMS_TIMEOUT", 15))


class _Skip(Exception):
    pass


def _still_wanted(session: Session, user: User | None, channel: Channel) -> None:
    if user is None or not user.active:
        raise _Skip("the account is gone")
    choices = choices_of(session, user.id)
    if channel is Channel.SMS:
        if choices.sms is SmsChoice.OFF:
            raise _Skip("SMS turned off")
        if not mobile_of(user):
            raise _Skip("no mobile number")
    else:
        if choices.email is EmailChoice.OFF:
            raise _Skip("email turned off")
        if not user.email:
            raise _Skip("no email address")


def _prepare(app: Flask, session: Session, claim: Claim, mailer: Mailer | None,
             sms: SmsProvider | None) -> Callable[[], None]:
    """The claim turned into what goes out (an email, or a text to a number), ready to send."""
    user = session.get(User, claim.user_id)
    first = session.get(Notification, claim.deliveries[0].notification_id)
    if first is not None and first.kind in ("password_reset", "mobile_code"):  # asked for:
        from app.auth.reset_notice import NothingToSend, reset_sender  # sent whatever the choices

        try:
            return reset_sender(app, session, user, first, claim.channel,
                                claim.deliveries[0].key, mailer, sms)
        except NothingToSend as why:
            raise _Skip(str(why)) from None
    _still_wanted(session, user, claim.channel)
    if claim.channel is Channel.SMS and sms is None:
        raise _Skip("no SMS gateway is configured (SMS_URL)")
    if claim.channel is not Channel.SMS and mailer is None:
        raise _Skip("no SMTP server is configured (SMTP_URL)")
    notices = [session.get(Notification, row.notification_id) for row in claim.deliveries]
    notices = [notice for notice in notices if notice is not None]
    if not notices:
        raise _Skip("the notification is gone")
    domain = urlsplit(app.config["BASE_URL"]).hostname or "localhost"
    with reading_as(app, user):
        if claim.channel is Channel.SMS:
            text, number, key = render_sms(notices[0]), mobile_of(user), claim.deliveries[0].key
            return partial(sms.send, number, text, key)
        if claim.channel is Channel.DIGEST:
            rendered = render_digest(notices)
            # The same notices make the same Message-ID, should the digest go out again.
            keys = "\n".join(sorted(row.key for row in claim.deliveries))
            key = "digest-" + hashlib.sha256(keys.encode()).hexdigest()[:32]
        else:
            rendered, key = render_email(notices[0]), claim.deliveries[0].key
    message = build_email(rendered, to=user.email, sender=app.config["MAIL_FROM"], key=key,
                          domain=domain, language=language_of(app, user))
    return partial(mailer.send, message)


def deliver_one(app: Flask, session: Session, sweep: Sweep, *, now: datetime | None,
                mailer: Mailer | None, sms: SmsProvider | None) -> bool:
    """Claim and deliver the next due delivery; False when nothing is due."""
    moment = now or utcnow()
    give_up_lost(session, moment)
    cutoff = digest_cutoff(moment, app.config["NOTICES_DIGEST_HOUR"],
                           app.config["BABEL_DEFAULT_TIMEZONE"])
    claim = claim_next(session, moment, digest_cutoff=cutoff,
                       lease=timedelta(seconds=app.config["NOTICES_CLAIM_SECONDS"]))
    session.commit()  # the claim stands before any server hears of the notice
    if claim is None:
        return False
    ids = [row.id for row in claim.deliveries]
    try:
        send = _prepare(app, session, claim, mailer, sms)
        session.commit()  # no transaction stays open while the server is spoken to
        send()
    except _Skip as skip:
        mark_skipped(session, claim, str(skip))
        sweep.skipped += 1
        log.info("notice deliveries %s (%s) skipped: %s", ids, claim.channel, skip)
    except DeliveryError as error:
        gave_up = mark_failed(session, claim, now or utcnow(), str(error),
                              permanent=error.permanent)
        if gave_up:
            sweep.failed += 1
        else:
            sweep.retried += 1
        log.warning("notice deliveries %s (%s) %s: %s", ids, claim.channel,
                    "failed" if gave_up else "will be retried", error)
    except JobTimeoutException:  # the sweep overran its job: the claim lapses, it is retried
        raise
    except Exception as error:  # a bug in rendering, say: retried, and loudly logged
        session.rollback()
        log.exception("notice deliveries %s (%s) broke", ids, claim.channel)
        mark_failed(session, claim, now or utcnow(), f"{type(error).__name__}: {error}")
        sweep.retried += 1
    else:
        mark_sent(session, claim, now or utcnow())
        sweep.sent += 1
        log.info("notice deliveries %s (%s) sent", ids, claim.channel)
    session.commit()
    return True


def deliver_due(app: Flask, *, now: datetime | None = None, limit: int | None = None,
                seconds: float | None = None, mailer: Mailer | None = None,
                sms: SmsProvider | None = None) -> Sweep:
    """Deliver every due notice (at most `limit`, for at most `seconds`), inline."""
    mailer = mailer if mailer is not None else mailer_for(app)
    sms = sms if sms is not None else sms_for(app)
    maker = app.extensions["yishi.writer_sessionmaker"]
    sweep = Sweep()
    started = time.monotonic()
    while limit is None or sweep.handled < limit:
        if seconds is not None and time.monotonic() - started > seconds:
            break
        session = maker()
        # A delivery record changes no public page: no cached page needs making again.
        session.info[KEEPS_PAGES] = True
        try:
            if not deliver_one(app, session, sweep, now=now, mailer=mailer, sms=sms):
                break
        except DBAPIError:
            # Two workers' claims crossing (a PostgreSQL deadlock, a busy SQLite): this
            # pass ends; the claim is taken again on the next one.
            session.rollback()
            log.warning("notice claim conflicted; trying on the next sweep", exc_info=True)
            break
        finally:
            session.close()
    return sweep
