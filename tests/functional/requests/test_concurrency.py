"""Many residents raising requests at once: every one is kept, with a number of its own."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import upgrade
from proposals.requests import services
from proposals.requests.models import Request
from tests.functional.requests.samples import MOMENT, PLACES
from votes.casting import begin_write
from votes.people import Role, User, register_user
from votes.places import add_places

RESIDENTS = 12
NAME = "test_requests_concurrency"  # its own database: the shared test database sees nothing


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated, empty database that concurrent sessions really share, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'requests.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {NAME}"))
    url = make_url(server).set(database=NAME).render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url, pool_size=RESIDENTS)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)"))


def test_requests_raised_at_once_each_get_a_number(database):
    with Session(database) as session:
        ids = [register_user(session, username=f"r{n}", display_name=f"居民{n}",
                             password_hash="x", roles=(Role.RESIDENT,)).id
               for n in range(RESIDENTS)]
        add_places(session, register_user(session, username="admin", display_name="管理员",
                                          password_hash="x", roles=(Role.ADMIN,)), PLACES)
        session.commit()
    start = threading.Barrier(RESIDENTS)

    def raise_one(user_id: int) -> str:
        start.wait()
        with Session(database) as session:
            begin_write(session)  # as the app's writing requests do (SQLite: BEGIN IMMEDIATE)
            user = session.get(User, user_id)
            made = services.raise_request(session, user, services.Draft(
                title="路灯不亮", description="晚上很黑。", category="public_safety",
                community="和平社区"), channel="online", now=MOMENT)
            session.commit()
            return made.number

    with ThreadPoolExecutor(RESIDENTS) as pool:
        numbers = list(pool.map(raise_one, ids))
    assert sorted(numbers) == [f"2026-{n:06d}" for n in range(1, RESIDENTS + 1)]
    with Session(database) as session:
        assert len(session.scalars(select(Request.id)).all()) == RESIDENTS
