"""The outbox is written with the notification, in one transaction, on the person's channels;
a daily digest gathers a busy person's notices into one email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.notices.delivery import deliver_due
from proposals.collection.models import Notification
from proposals.collection.services import notify
from proposals.notices.models import NoticeDelivery
from proposals.notices.services import choose_channels
from votes.base import DomainError, utcnow


def rows(db, **where):
    query = select(NoticeDelivery).order_by(NoticeDelivery.id)
    for name, value in where.items():
        query = query.where(getattr(NoticeDelivery, name) == value)
    return list(db.scalars(query.execution_options(populate_existing=True)))


def test_a_notice_and_its_deliveries_are_kept_or_undone_together(db, person, propose):
    reader = person(mobile="13800138000")
    choose_channels(db, reader, email="each", sms="each")
    proposal = propose(reader)
    before = db.scalar(select(func.count(Notification.id)))

    notify(db, [reader.id], "comment", proposal, name="王芳")
    (notice,) = db.scalars(select(Notification).where(Notification.user_id == reader.id))
    assert sorted(r.channel for r in rows(db, notification_id=notice.id)) == ["email", "sms"]
    db.rollback()
    assert db.scalar(select(func.count(Notification.id))) == before and rows(db) == []

    notify(db, [reader.id], "comment", proposal, name="王芳")
    db.commit()
    kept = rows(db)
    assert len(kept) == 2 and {r.status for r in kept} == {"pending"}
    assert len({r.key for r in kept}) == 2  # one idempotency key each


def test_choosing_a_channel_needs_its_address(db, person):
    nobody = person(email=None)
    with pytest.raises(DomainError) as refused:
        choose_channels(db, nobody, email="each", sms="off")
    assert refused.value.code == "notice_email_missing"
    with pytest.raises(DomainError) as refused:
        choose_channels(db, nobody, email="off", sms="each")
    assert refused.value.code == "notice_mobile_missing"
    with pytest.raises(DomainError) as refused:
        choose_channels(db, nobody, email="weekly", sms="off")
    assert refused.value.code == "notice_channel_unknown"


@pytest.fixture
def with_emails(db, resident, adopted):
    for user in (resident, adopted.fan):
        user.email = f"{user.username}@example.org"
    db.commit()


def test_a_round_of_rating_opening_writes_its_emails_with_the_notices(
        db, with_emails, completed, resident, mailing, inbox):
    told = db.scalars(select(Notification).where(
        Notification.kind == "evaluation_opened", Notification.user_id == resident.id)).all()
    (notice,) = told
    (row,) = rows(db, notification_id=notice.id)
    assert row.channel == "email"

    deliver_due(mailing)
    (message,) = [m for m in inbox.messages if row.key in str(m["Message-ID"])]
    assert str(message["To"]) == resident.email
    assert f"https://yishi.example.org/projects/{completed.id}" in message.get_content()
    assert completed.title in message.get_content()


def test_a_digest_sends_the_day_s_notices_in_one_email_after_the_digest_hour(
        db, mailing, inbox, person, propose):
    busy = person(locale="en")
    choose_channels(db, busy, email="digest", sms="off")
    first, second = propose(busy), propose(busy, title="社区食堂")
    notify(db, [busy.id], "comment", first, name="王芳")
    notify(db, [busy.id], "comment", second, name="李明")
    db.commit()
    assert [r.channel for r in rows(db, user_id=busy.id)] == ["digest", "digest"]

    assert deliver_due(mailing).handled == 0  # written after today's digest hour
    tomorrow = utcnow() + timedelta(days=1)
    assert deliver_due(mailing, now=tomorrow).sent == 1

    (message,) = inbox.messages
    body = message.get_content()
    assert "2 notices of the day" in str(message["Subject"])
    assert "王芳 commented on your proposal." in body and "李明 commented" in body
    assert f"/proposals/{first.id}" in body and f"/proposals/{second.id}" in body
    assert str(message["Message-ID"]).startswith("<digest-")
    assert {r.status for r in rows(db, user_id=busy.id)} == {"sent"}
    assert deliver_due(mailing, now=tomorrow + timedelta(days=1)).handled == 0
