"""Forgot your password: a one-time code by SMS or a link by email, through the notices
outbox to real servers on loopback; once, 30 minutes, five tries, one answer for all."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.passwords import verify_password
from app.notices.delivery import deliver_due
from proposals.notices.models import NoticeDelivery
from tests.conftest import PASSWORD
from tests.functional.notices.servers import Gateway, Inbox
from votes.people import Role
from votes.sessions import RESET_TRIES, PasswordReset, live_sessions

NEW = "lantern orchard seventy"


def browser(app):
    """A browser that reads the site in English (the messages checked are the msgids)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    return browser(app)


@pytest.fixture
def inbox():
    box = Inbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def gateway():
    server = Gateway()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailing(app, inbox, gateway):
    app.config.update(SMTP_URL=inbox.url, SMS_URL=gateway.url, SMS_TOKEN=gateway.token,
                      BASE_URL="https://yishi.example.org",
                      MAIL_FROM="议事 <notices@yishi.example.org>", RESET_RATE_LIMIT="50/hour")
    return app


@pytest.fixture
def person(db, make_user):
    def make(*, email=None, mobile=None, locale="en"):
        user = make_user(Role.RESIDENT)
        user.email, user.mobile, user.locale = email, mobile, locale
        db.commit()
        return user

    return make


def ask(client, who):
    return client.post("/account/reset", data={"who": who})


def signed_in(browser) -> bool:
    return browser.get("/account/profile").status_code == 200


def sms_code(gateway) -> str:
    (body,) = list(gateway.taken.values())[-1:]
    return re.search(r"\b(\d{6})\b", body["text"]).group(1)


def enter(client, who, code, password=NEW):
    return client.post("/account/reset/code", data={
        "who": who, "code": code, "password": password, "confirm": password})


def test_the_email_link_goes_through_the_outbox_and_works_once(
        app, client, db, mailing, inbox, person):
    user = person(email="lin@example.org")
    elsewhere = browser(app)
    elsewhere.post("/account/login", data={"username": user.username, "password": PASSWORD})
    assert signed_in(elsewhere)
    asked = ask(client, "LIN@example.org")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/account/reset/code")
    (row,) = db.scalars(select(NoticeDelivery).where(NoticeDelivery.user_id == user.id))
    assert row.channel == "email" and row.status == "pending"
    assert deliver_due(mailing).sent == 1
    (message,) = inbox.messages
    assert str(message["To"]) == "lin@example.org"
    assert "Set a new password" in str(message["Subject"])
    link = re.search(r"https://yishi\.example\.org(/account/reset/link/\S+)",
                     message.get_content()).group(1)
    token = link.rsplit("/", 1)[1]
    # Nothing of the link is stored as it is.
    reset = db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert token not in (reset.code_hash, reset.nonce)

    assert "New password" in client.get(link).text
    done = client.post(link, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert signed_in(client) and not signed_in(elsewhere)
    db.expire_all()
    assert verify_password(db.get(type(user), user.id).password_hash, NEW)
    assert len(live_sessions(db, user.id)) == 1  # only the device that just reset it

    again = browser(app).post(link, data={"password": "other " + NEW,
                                               "confirm": "other " + NEW})
    assert again.status_code == 200 and "expired or was used" in again.text
    db.expire_all()
    assert verify_password(db.get(type(user), user.id).password_hash, NEW)


def test_an_sms_code_is_sent_whatever_the_notice_choices_and_works_once(
        app, client, db, mailing, gateway, person):
    user = person(mobile="+8613800138000")  # SMS notices are off by default
    ask(client, "138 0013 8000")
    assert deliver_due(mailing).sent == 1
    (body,) = gateway.taken.values()
    assert body["to"] == "+8613800138000"
    code = sms_code(gateway)
    assert enter(client, user.username, code).status_code == 302
    assert signed_in(client)
    client.post("/account/logout")
    reused = enter(client, user.username, code, "yet another " + NEW)
    assert reused.status_code == 200 and "wrong or has expired" in reused.text
    assert not signed_in(client)


def test_an_expired_code_is_refused(app, client, db, mailing, gateway, person):
    user = person(mobile="13900139000")
    ask(client, user.username)
    deliver_due(mailing)
    reset = db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.commit()
    refused = enter(client, user.username, sms_code(gateway))
    assert refused.status_code == 200 and "wrong or has expired" in refused.text
    db.expire_all()
    assert verify_password(db.get(type(user), user.id).password_hash, PASSWORD)


def test_five_wrong_codes_burn_it(app, client, db, mailing, gateway, person):
    user = person(mobile="13700137000")
    ask(client, user.username)
    deliver_due(mailing)
    code = sms_code(gateway)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [enter(client, user.username, wrong).text for _ in range(RESET_TRIES)]
    assert all("wrong or has expired" in text for text in answers[:-1])
    assert "Too many wrong codes" in answers[-1]
    typed = enter(client, user.username, code, password=NEW)
    assert typed.status_code == 200  # the right code, too late
    db.expire_all()
    assert verify_password(db.get(type(user), user.id).password_hash, PASSWORD)
    # A new code works again.
    ask(client, user.username)
    deliver_due(mailing)
    assert enter(client, user.username, sms_code(gateway)).status_code == 302


def test_an_unknown_account_gets_the_same_answer_and_nothing_is_sent(
        app, client, db, mailing, inbox, person):
    person(email="known@example.org")
    known, unknown = ask(client, "known@example.org"), ask(client, "nobody@example.org")
    assert (known.status_code, known.headers["Location"]) == \
        (unknown.status_code, unknown.headers["Location"])
    flashes = []
    for who in ("known@example.org", "nobody@example.org"):
        reader = browser(app)
        ask(reader, who)
        with reader.session_transaction() as cookie:
            flashes.append(cookie["_flashes"])
    assert flashes[0] == flashes[1]
    # The known account asked twice: its newer code ended the older, whose send is skipped.
    sweep = deliver_due(mailing)
    assert (sweep.sent, sweep.skipped) == (1, 1)
    assert {str(m["To"]) for m in inbox.messages} == {"known@example.org"}
    refused = enter(client, "nobody@example.org", "123456")
    assert refused.status_code == 200 and "wrong or has expired" in refused.text


def test_code_requests_are_limited_per_name_and_per_account(app, client, db, person):
    app.config["RESET_RATE_LIMIT"] = "2 per hour"
    user = person(email="many@example.org", mobile="13600136000")
    assert [ask(client, user.username).status_code for _ in range(3)] == [302, 302, 429]
    # Other ways of naming the same account: the account's own limit of three an hour.
    ask(client, "many@example.org")
    ask(client, "136 0013 6000")
    assert ask(client, "MANY@example.org").status_code == 302
    count = len(db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)).all())
    assert count == 3
    live = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id,
                                                  PasswordReset.ended_at.is_(None))).all()
    assert len(live) == 1  # a new code ends the earlier ones


def test_a_weak_new_password_is_refused_in_plain_words(app, client, db, mailing, gateway,
                                                       person):
    user = person(mobile="13500135000")
    ask(client, user.username)
    deliver_due(mailing)
    weak = enter(client, user.username, sms_code(gateway), password="password123")
    assert weak.status_code == 200 and "very common password" in weak.text
    assert 'value="' + user.username + '"' in weak.text  # what was typed is kept
    # The code still works: a refused form is not a wrong code.
    assert enter(client, user.username, sms_code(gateway)).status_code == 302


def test_registering_with_a_weak_password_is_refused(client, db):
    page = client.post("/account/register", data={
        "username": "zhaolei", "display_name": "赵磊", "email": "",
        "password": "zhaolei123", "confirm": "zhaolei123"})
    assert page.status_code == 200 and 'aria-invalid="true"' in page.text


def test_an_admin_sends_a_code_from_the_account_page(app, client, db, mailing, gateway,
                                                     person, make_user, login):
    user = person(mobile="13400134000")
    admin = make_user(Role.ADMIN)
    login(admin)
    assert "Send a code to set a new password" in client.get(f"/admin/users/{user.id}").text
    sent = client.post(f"/admin/users/{user.id}/reset")
    assert sent.status_code == 302
    reset = db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert reset.issued_by_id == admin.id and reset.channel == "sms"
    deliver_due(mailing)
    reader = browser(app)
    assert enter(reader, "13400134000", sms_code(gateway)).status_code == 302
    # The person's own list of notices says a code was sent, and shows no code.
    notices = reader.get("/resident/notifications")
    assert "A code to set a new password was sent to you" in notices.text
    assert sms_code(gateway) not in notices.text


def test_only_an_admin_sends_codes_to_others(client, db, person, make_user, login):
    user = person(email="x@example.org")
    login(make_user(Role.OFFICIAL))
    assert client.post(f"/admin/users/{user.id}/reset").status_code == 403
    assert db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id)) is None
