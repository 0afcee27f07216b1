"""Fixtures for the notices: an SMTP inbox and an SMS gateway on loopback, people to tell."""

from __future__ import annotations

import pytest

from tests.functional.notices.servers import Gateway, Inbox
from votes.people import Role


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
    """The app sends email to the inbox and SMS to the gateway."""
    app.config.update(SMTP_URL=inbox.url, SMS_URL=gateway.url, SMS_TOKEN=gateway.token,
                      BASE_URL="https://yishi.example.org",
                      MAIL_FROM="议事 <notices@yishi.example.org>")
    return app


@pytest.fixture
def person(db, make_user):
    """make(locale=..., email=..., mobile=...): a resident who can be told things."""
    def make(*, locale="zh_Hans", email="auto", mobile=None, name=None):
        user = make_user(Role.RESIDENT, name=name)
        user.locale = locale
        user.email = f"{user.username}@example.org" if email == "auto" else email
        user.mobile = mobile
        db.commit()
        return user

    return make
