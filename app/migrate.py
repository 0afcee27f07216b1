"""Alembic driven from Yishi's configuration: upgrade, downgrade, new revisions, drift check."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection

from app.config import ROOT

# Full-text search objects are made by hand in migrations, not from the models (PostgreSQL's
# stored search vector too: the models are the same on SQLite, which has no tsvector).
SEARCH_OBJECTS = {"proposal_fts", "ix_proposals_search", "search_vector",
                  "ix_proposals_search_vector"}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if name in SEARCH_OBJECTS or (name or "").startswith("proposal_fts_"):
        return False
    return True


SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE proposal_fts USING fts5(search_text, content='proposals',"
    " content_rowid='id')",
    "CREATE TRIGGER proposal_fts_insert AFTER INSERT ON proposals BEGIN"
    " INSERT INTO proposal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER proposal_fts_delete AFTER DELETE ON proposals BEGIN"
    " INSERT INTO proposal_fts(proposal_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER proposal_fts_update AFTER UPDATE OF search_text ON proposals BEGIN"
    " INSERT INTO proposal_fts(proposal_fts, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO proposal_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO proposal_fts(proposal_fts) VALUES ('rebuild')",
)
# Before revision e8a4b0c6d532, which replaced this index by a stored vector and its index.
POSTGRES_SEARCH = (
    "CREATE INDEX IF NOT EXISTS ix_proposals_search ON proposals"
    " USING gin (to_tsvector('simple', search_text))",
)


def create_search_index(op) -> None:
    """For migrations: SQLite's FTS5 table and triggers, or PostgreSQL's GIN index.

    On SQLite, a batch ALTER of `proposals` recreates the table and loses the triggers:
    call drop_search_index(op) before such an ALTER and create_search_index(op) after.
    """
    statements = SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH
    for statement in statements:
        op.execute(statement)


def drop_search_index(op) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("proposal_fts_insert", "proposal_fts_delete", "proposal_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS proposal_fts")


def alembic_config(database_url: str, connection: Connection | None = None) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(database_url: str, revision: str = "head", connection=None) -> None:
    command.upgrade(alembic_config(database_url, connection), revision)


def downgrade(database_url: str, revision: str, connection=None) -> None:
    command.downgrade(alembic_config(database_url, connection), revision)


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)


def schema_drift(connection: Connection) -> list:
    """Differences between the models and the migrated database; empty when in sync."""
    from app.models import metadata

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": include_object}
    )
    return compare_metadata(context, metadata)
