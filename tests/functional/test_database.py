"""The schema comes from migrations that match the models; SQLite is tuned on every connection."""

import sqlite3

import pytest
from sqlalchemy import text

from app.db import make_engine
from app.migrate import downgrade, schema_drift, upgrade


def test_models_and_migrations_agree(connection):
    assert schema_drift(connection) == []


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    downgrade(url, "base")
    engine = make_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars()
        assert set(tables) <= {"alembic_version"}
    upgrade(url)
    with engine.connect() as conn:
        assert schema_drift(conn) == []
    engine.dispose()


def test_sqlite_connections_use_wal_a_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    for _ in range(2):  # every connection, not only the first
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        engine.dispose()


def test_foreign_keys_are_enforced(connection, db):
    if connection.dialect.name != "sqlite":
        pytest.skip("PostgreSQL always enforces foreign keys")
    with pytest.raises(Exception, match="FOREIGN KEY"):
        connection.exec_driver_sql(
            "INSERT INTO memberships (assembly_id, user_id, joined_on)"
            " VALUES (999, 999, '2027-01-01')"
        )


def test_requests_that_may_write_begin_as_writers_on_sqlite(tmp_path):
    """A POST reads then writes; starting with BEGIN IMMEDIATE makes it wait, not fail."""
    from app import create_app
    from app.db import get_session
    from tests.conftest import environ_for

    url = f"sqlite:///{tmp_path / 'writer.db'}"
    upgrade(url)
    app = create_app(environ=environ_for(tmp_path, DATABASE_URL=url))
    for method, mode in (("GET", None), ("POST", "IMMEDIATE")):
        with app.test_request_context(method=method):
            connection = get_session().connection()
            assert connection.get_execution_options().get("sqlite_begin") == mode
            # While this request holds its transaction, another writer must wait.
            other = sqlite3.connect(tmp_path / "writer.db", timeout=0, isolation_level=None)
            if mode == "IMMEDIATE":
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            else:
                other.execute("BEGIN IMMEDIATE")
                other.execute("ROLLBACK")
            other.close()
    app.extensions["yishi.engine"].dispose()
