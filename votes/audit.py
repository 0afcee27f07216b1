"""The audit log: one append-only row per official or admin action (who, what, when, from where)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Select, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from votes.base import Base, DomainError, utcnow
from votes.people import User

DONE = "done"
PATH_MAX = 400
AGENT_MAX = 200


class AuditEntry(Base):
    """What an official or admin did. The names of the fields posted are kept, never their
    values: no passwords, no ballot marks, no residents' words."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The roles held when acting: a later change of roles does not rewrite the past.
    actor_roles: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(120))  # the view's endpoint
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(PATH_MAX))
    object_ids: Mapped[str] = mapped_column(Text, default="{}")  # the URL's values, JSON
    fields: Mapped[str] = mapped_column(Text, default="[]")  # the posted names, JSON
    outcome: Mapped[str] = mapped_column(String(60))  # "done" or the refusal's code
    # The address the request came from: behind a reverse proxy, the proxy's own.
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(AGENT_MAX))

    actor: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_actor_at", "actor_id", "at"),
    )

    @property
    def object_values(self) -> dict:
        return json.loads(self.object_ids or "{}")

    @property
    def field_names(self) -> list[str]:
        return json.loads(self.fields or "[]")


def _refuse(_mapper, _connection, _target) -> None:
    raise DomainError("audit_append_only")


# What is recorded stays recorded: the ORM refuses to rewrite or remove an entry.
event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)


@dataclass(frozen=True)
class Request:
    """The request an action came in, as plain values (the domain knows no Flask)."""

    action: str
    method: str
    path: str
    object_ids: Mapping[str, object]
    fields: Iterable[str]
    remote_addr: str | None
    user_agent: str | None


def record(session: Session, actor: User, roles: Iterable[str], request: Request,
           outcome: str = DONE) -> AuditEntry:
    """Add one entry, in the caller's transaction: it is committed with the action or not at all."""
    entry = AuditEntry(
        actor_id=actor.id, actor_roles=",".join(sorted(roles))[:60],
        action=request.action[:120], method=request.method[:10],
        path=request.path[:PATH_MAX],
        object_ids=json.dumps({k: _plain(v) for k, v in request.object_ids.items()},
                              ensure_ascii=False, sort_keys=True),
        fields=json.dumps(sorted(set(request.fields)), ensure_ascii=False),
        outcome=outcome[:60],
        remote_addr=(request.remote_addr or None) and request.remote_addr[:64],
        user_agent=(request.user_agent or None) and request.user_agent[:AGENT_MAX],
    )
    session.add(entry)
    session.flush()
    return entry


def _plain(value: object) -> object:
    return value if isinstance(value, int | float | bool | None) else str(value)


def entries(*, actor: str | None = None, since: datetime | None = None,
            until: datetime | None = None) -> Select:
    """The entries, newest first: by one actor's username, from `since`, before `until`."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if actor:
        stmt = stmt.join(User, User.id == AuditEntry.actor_id).where(
            User.username == actor.strip().lower())
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    return stmt
