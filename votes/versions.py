"""Data versions: a counter that every committed write raises, so a cached page knows it is old.

A page cached by the web shell (app/caching.py) is kept under the data version it was
rendered from. The version lives in the database, raised in the writing transaction itself,
so every app server and every worker sees a write and its new version together or not at
all: nothing in a cache can outlive the data it was made from, whichever server made it.

One scope, "site", covers everything the public reads. Finer scopes (a cycle, a ballot)
would keep more pages warm while one part changes, at the cost of knowing, for each write,
every page it shows on; the one counter is always right, and the public pages it protects
change only when someone acts.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, bindparam, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from votes.base import Base, utcnow

SITE = "site"


class DataVersion(Base):
    __tablename__ = "data_versions"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    # Drawn afresh at every raise: a database restored from a backup, or a new one, counts
    # from an old number again, but never with the same token, so no page cached from
    # another history of the data is ever taken for this one.
    token: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Version:
    number: int
    token: str
    changed_at: datetime

    @property
    def key(self) -> str:
        return f"{self.number}.{self.token}"


def bump(session: Session, scope: str = SITE) -> None:
    """Raise the scope's version inside the caller's transaction (kept only if it commits).

    The writer updates one row at the very end of its transaction, after every other lock
    it takes, so writers wait on it for no longer than a commit and never in a cycle.
    """
    done = session.execute(
        update(DataVersion).where(DataVersion.scope == scope)
        .values(version=DataVersion.version + 1, token=secrets.token_hex(8),
                changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        session.add(DataVersion(scope=scope, version=2))
        session.flush()


# Built once: every cached page asks, so the question costs one round trip and no compiling.
_CURRENT = select(DataVersion.version, DataVersion.token, DataVersion.changed_at).where(
    DataVersion.scope == bindparam("scope"))


def current(session: Session, scope: str = SITE) -> Version | None:
    row = session.connection().execute(_CURRENT, {"scope": scope}).first()
    return None if row is None else Version(row.version, row.token, row.changed_at)
