"""Email notices over SMTP to a real server on loopback (aiosmtpd): words, link, Message-ID,
retries with backoff when the server says 4xx, and the person's own choice of channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.notices.delivery import deliver_due
from proposals.collection.services import notify
from proposals.notices.models import NoticeDelivery
from proposals.notices.schedule import RETRY_DELAYS, as_utc
from proposals.notices.services import choose_channels
from tests.functional.notices.servers import Inbox, free_port
from votes.base import utcnow


def deliveries_of(db, user):
    return list(db.scalars(select(NoticeDelivery).where(NoticeDelivery.user_id == user.id)
                           .order_by(NoticeDelivery.id).execution_options(populate_existing=True)))


def test_each_reader_gets_the_notice_in_their_language_with_a_link_and_its_message_id(
        db, mailing, inbox, person, propose):
    chinese, english = person(locale="zh_Hans"), person(locale="en")
    proposal = propose(chinese)
    notify(db, [chinese.id, english.id], "comment", proposal, name="王芳")
    db.commit()

    sweep = deliver_due(mailing)

    assert sweep.sent == 2 and len(inbox.messages) == 2
    by_reader = {str(m["To"]): m for m in inbox.messages}
    link = f"https://yishi.example.org/proposals/{proposal.id}"
    zh, en = by_reader[chinese.email], by_reader[english.email]
    assert "王芳 评论了您的建议。" in str(zh["Subject"])
    assert "王芳 评论了您的建议。" in zh.get_content() and link in zh.get_content()
    assert zh["Content-Language"] == "zh-Hans"
    assert "王芳 commented on your proposal." in str(en["Subject"])
    assert "王芳 commented on your proposal." in en.get_content()
    assert link in en.get_content() and en["Content-Language"] == "en"
    assert "https://yishi.example.org/account/notices" in en.get_content()
    for reader, message in ((chinese, zh), (english, en)):
        (row,) = deliveries_of(db, reader)
        assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None
        assert message["Message-ID"] == f"<{row.key}@yishi.example.org>"
    # Nothing is sent twice: a second pass finds nothing due.
    assert deliver_due(mailing).handled == 0 and len(inbox.messages) == 2


def test_a_refusing_server_is_tried_again_later_and_then_takes_the_notice(
        db, mailing, inbox, person, propose):
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    inbox.refusals = ["451 4.3.0 Try again later", "421 4.7.0 Too busy"]
    now = utcnow()

    assert deliver_due(mailing, now=now).retried == 1
    (row,) = deliveries_of(db, reader)
    assert (row.status, row.attempts) == ("pending", 1)
    assert as_utc(row.next_attempt_at) == now + RETRY_DELAYS[0]
    assert "451" in row.last_error and inbox.messages == []

    # Not before its time; then again, and again later on a second refusal.
    assert deliver_due(mailing, now=now + timedelta(seconds=30)).handled == 0
    later = now + RETRY_DELAYS[0] + timedelta(seconds=1)
    assert deliver_due(mailing, now=later).retried == 1
    (row,) = deliveries_of(db, reader)
    assert row.attempts == 2 and as_utc(row.next_attempt_at) == later + RETRY_DELAYS[1]

    last = later + RETRY_DELAYS[1]
    assert deliver_due(mailing, now=last).sent == 1
    (row,) = deliveries_of(db, reader)
    assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)
    assert inbox.message_ids() == [f"<{row.key}@yishi.example.org>"]
    assert inbox.arrivals == 3


def test_a_final_no_from_the_server_is_not_tried_again(db, mailing, inbox, person, propose):
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    inbox.refusals = ["550 5.1.1 No such mailbox"]

    assert deliver_due(mailing).failed == 1
    (row,) = deliveries_of(db, reader)
    assert row.status == "failed" and "550" in row.last_error
    assert deliver_due(mailing, now=utcnow() + timedelta(days=2)).handled == 0


def test_an_unreachable_server_is_tried_again(db, mailing, person, propose):
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    mailing.config["SMTP_URL"] = f"smtp://127.0.0.1:{free_port()}"  # nothing listens there

    assert deliver_due(mailing).retried == 1
    (row,) = deliveries_of(db, reader)
    assert row.status == "pending" and "cannot reach" in row.last_error


def test_a_person_who_chose_no_email_gets_none(db, mailing, inbox, person, propose):
    quiet, keen, no_address = person(), person(), person(email=None)
    choose_channels(db, quiet, email="off", sms="off")
    db.commit()
    notify(db, [quiet.id, keen.id, no_address.id], "comment", propose(keen), name="王芳")
    db.commit()

    assert deliveries_of(db, quiet) == [] and deliveries_of(db, no_address) == []
    deliver_due(mailing)
    assert [str(m["To"]) for m in inbox.messages] == [keen.email]


def test_turning_email_off_stops_what_was_still_waiting(db, mailing, inbox, person, propose):
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    choose_channels(db, reader, email="off", sms="off")
    db.commit()

    assert deliver_due(mailing).skipped == 1
    (row,) = deliveries_of(db, reader)
    assert row.status == "skipped" and inbox.messages == []


# Loopback only, so the test server takes a login without TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_server_s_login_is_given_when_configured(db, mailing, person, propose):
    guarded = Inbox(login=("yishi", "s3cret"))
    guarded.controller.start()
    try:
        reader = person()
        notify(db, [reader.id], "comment", propose(reader), name="王芳")
        db.commit()
        mailing.config.update(SMTP_URL=guarded.url, SMTP_USER="yishi", SMTP_PASSWORD="wrong")
        assert deliver_due(mailing).retried == 1  # 535: the admin fixes it, then it goes
        assert guarded.messages == []
        mailing.config["SMTP_PASSWORD"] = "s3cret"
        assert deliver_due(mailing, now=utcnow() + timedelta(minutes=2)).sent == 1
        assert guarded.logins == ["yishi"] and len(guarded.messages) == 1
    finally:
        guarded.controller.stop()
