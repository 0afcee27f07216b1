"""Alembic environment: one metadata for the whole domain, the URL from Yishi's config."""

from alembic import context

from app.config import load_config
from app.db import make_engine
from app.migrate import include_object
from app.models import metadata

config = context.config
target_metadata = metadata


def database_url() -> str:
    return config.attributes.get("database_url") or load_config()["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True, include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite and not connection.in_transaction():
        # Batch ALTERs copy a table and drop the old one, which SQLite refuses while
        # foreign keys are enforced; the pragma only takes effect outside a transaction,
        # and every key is checked again before the migration commits (below).
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        _migrate(connection, check_keys=sqlite)
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def _migrate(connection, check_keys: bool) -> None:
    # Batch mode lets ALTER TABLE work on SQLite by copying the table. SQLite's DDL is
    # transactional too (our engine issues BEGIN itself), so a failed migration leaves
    # nothing half-done on either database.
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True, include_object=include_object,
                      transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()
        if check_keys:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
