"""Fixtures: one migrated database per run (SQLite or TEST_DATABASE_URL); tests in savepoints."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import settings
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from app.auth.passwords import hash_password, use_light_parameters
from app.caching import session_version
from app.db import AppSession, make_engine
from app.migrate import upgrade
from proposals.wiring import connect_contexts
from votes import sealing
from votes.people import Assembly, Role, User, register_user

use_light_parameters()
sealing.use_light_parameters()
# Property tests draw the same examples on every run, so a landing never hangs on luck; a
# property that fails is reproduced by running the suite again.
settings.register_profile("yishi", derandomize=True, database=None)
settings.load_profile("yishi")
# The shared builders assert too (e.g. refused): let pytest explain their failures.
pytest.register_assert_rewrite("tests.functional.builders")

PASSWORD = "correct horse battery"
TEST_SECRET = "test-secret-key-that-is-long-enough-000"


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_database(engine: Engine) -> None:
    """Start from an empty database, so migrations build the whole schema."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def db_url(tmp_path_factory) -> str:
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    reset_database(engine)
    upgrade(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def db(connection) -> Iterator[Session]:
    """The test's Session; everything it writes is rolled back after the test. The contexts
    are wired to each other's events as create_app wires them (idempotent)."""
    connect_contexts()
    session = Session(bind=connection, join_transaction_mode="create_savepoint",
                      expire_on_commit=False)
    yield session
    session.close()


def environ_for(instance_path, **extra) -> dict:
    return {"YISHI_ENV": "testing", "SECRET_KEY": TEST_SECRET,
            "YISHI_INSTANCE": str(instance_path), **extra}


@pytest.fixture
def make_app(connection, db, tmp_path):
    """An app whose requests share the test's connection; `overrides` change its config."""

    def make(**overrides):
        app = create_app(
            # Journeys sign many people in from one address; the rate-limit tests set their
            # own. Tests write through the services between requests, not only through
            # views, so pages are rendered afresh unless a test asks for the page cache.
            overrides={"WTF_CSRF_ENABLED": False, "SERVER_NAME": "localhost",
                       "LOGIN_RATE_LIMIT": "1000 per minute", "PAGE_CACHE": False,
                       **overrides},
            environ=environ_for(tmp_path),
        )
        # The app's requests share the test's connection, inside its rolled-back transaction.
        bound = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
            class_=AppSession)
        app.extensions["yishi.sessionmaker"] = app.extensions["yishi.writer_sessionmaker"] = bound
        # The page cache asks the data version through the test's connection too.
        app.extensions["yishi.read_version"] = session_version
        return app

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(*roles: Role | str, username: str | None = None, name: str | None = None) -> User:
        n = next(counter)
        user = register_user(
            db, username=username or f"user{n}", display_name=name or f"测试用户{n}",
            password_hash=hash_password(PASSWORD),
            roles=tuple(Role(r) for r in roles) or (Role.RESIDENT,),
        )
        db.commit()
        return user

    return make


@pytest.fixture
def login(client):
    def do(user: User, password: str = PASSWORD):
        return client.post(
            "/account/login", data={"username": user.username, "password": password}
        )

    return do


@pytest.fixture
def assembly(db) -> Assembly:
    found = Assembly(kind="congress", name="测试区人民代表大会", area="测试区",
                     term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
    db.add(found)
    db.commit()
    return found


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)
