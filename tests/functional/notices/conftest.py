"""Fixtures for the notices: an SMTP inbox and an SMS gateway on loopback, people to tell."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.db import make_engine
from app.migrate import upgrade
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


@pytest.fixture
def own_database(db_url, tmp_path):
    """A migrated database outside the test's rolled-back transaction, for what other
    processes or threads must see committed: a SQLite file, or a database of its own on
    the PostgreSQL server of TEST_DATABASE_URL (dropped after)."""
    if make_url(db_url).get_backend_name() == "sqlite":
        url = f"sqlite:///{tmp_path / 'notices.db'}"
        upgrade(url)
        yield url
        return
    name = f"yishi_notices_{uuid.uuid4().hex[:8]}"
    server = make_engine(db_url).execution_options(isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()
