"""Notices committed in a database of their own (`own_database`), for workers to deliver."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from proposals.collection.services import notify
from proposals.notices.models import NoticeDelivery
from votes.people import Role, register_user


def notices_for(engine: Engine, people: int, prefix: str = "resident") -> list[str]:
    """`people` residents with an email, one notice each; the deliveries' keys."""
    with Session(engine) as session:
        users = [register_user(session, username=f"{prefix}{n}", display_name=f"居民{n}",
                               password_hash="x", roles=(Role.RESIDENT,))
                 for n in range(people)]
        for user in users:
            user.email = f"{user.username}@example.org"
        session.flush()
        notify(session, [user.id for user in users], "comment", None, name="王芳")
        session.commit()
    return [row.key for row in deliveries(engine)]


def deliveries(engine: Engine) -> list[NoticeDelivery]:
    with Session(engine) as session:
        return list(session.scalars(select(NoticeDelivery).order_by(NoticeDelivery.id)))
