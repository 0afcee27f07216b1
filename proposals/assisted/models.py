"""One thing staff entered for a resident, and whether the resident confirmed it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.collection.models import Proposal
from votes.base import Base, utcnow
from votes.people import User


class Kind(enum.StrEnum):
    PROPOSAL = "proposal"  # a proposal entered in their name (it stands, marked, meanwhile)
    COSIGN = "cosign"  # a co-sign: none is counted until the resident confirms
    RATING = "rating"  # a rating of a project: none is counted until the resident confirms


class State(enum.StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # "this was not me": nothing counts, officials see it
    LAPSED = "lapsed"  # confirmed too late: the proposal closed or the round ended


class AssistedEntry(Base):
    __tablename__ = "assisted_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id",
                                                               ondelete="CASCADE"))
    # A rating's project and what the resident said (kept here until confirmed).
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id",
                                                              ondelete="CASCADE"))
    level: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=State.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    settled_at: Mapped[datetime | None]

    resident: Mapped[User] = relationship(foreign_keys=[resident_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    proposal: Mapped[Proposal | None] = relationship()

    __table_args__ = (
        Index("ix_assisted_entries_resident_state", "resident_id", "state"),
        Index("ix_assisted_entries_proposal", "proposal_id", "kind", "state"),
    )
