"""Tables of evaluation (项目评价): rounds, ratings, their running counts, rectification, log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.implementation.models import Project
from votes.base import Base, utcnow
from votes.people import User

COMMENT_MAX = 500
REPORT_MAX = 4000
_LEVELS = "('satisfied', 'basically_satisfied', 'dissatisfied')"
_KINDS = "('delegate', 'resident')"


class EvaluationRound(Base):
    """One round of rating a project; closing it freezes the counts and decides 整改."""

    __tablename__ = "evaluation_rounds"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    round_no: Mapped[int] = mapped_column(primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: automatic
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The result as published when the round closed: the bar then, and the counts per group.
    bar: Mapped[int | None]
    below_bar: Mapped[bool | None]
    result: Mapped[dict | None] = mapped_column(JSON)

    project: Mapped[Project] = relationship()
    # Through this relationship the counters are written after their round in one flush.
    counters: Mapped[list[RatingCount]] = relationship(cascade="all, delete-orphan",
                                                       passive_deletes=True)

    __table_args__ = (
        CheckConstraint("round_no >= 1", name="round_no_positive"),
        CheckConstraint("(closed_at IS NULL AND bar IS NULL AND below_bar IS NULL)"
                        " OR (closed_at IS NOT NULL AND bar IS NOT NULL"
                        " AND below_bar IS NOT NULL)", name="closed_with_result"),
        Index("ix_evaluation_rounds_open", "closed_at"),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Rating(Base):
    """One person's rating of a project in a round; the key makes a second one impossible."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int]
    round_no: Mapped[int]
    # None once the rater deleted their account: the rating stays counted, linked to nobody.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rater_kind: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(20))
    # Read by officials for the rectification; never published (it may name people).
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        ForeignKeyConstraint(["project_id", "round_no"],
                             ["evaluation_rounds.project_id", "evaluation_rounds.round_no"],
                             ondelete="CASCADE"),
        UniqueConstraint("project_id", "round_no", "user_id"),
        Index("ix_ratings_user", "user_id"),
        CheckConstraint(f"rater_kind IN {_KINDS}", name="rater_kind"),
        CheckConstraint(f"level IN {_LEVELS}", name="level"),
    )


class RatingCount(Base):
    """Counter of ratings per round, group and level: pages read these, never the ratings."""

    __tablename__ = "rating_counts"

    project_id: Mapped[int] = mapped_column(primary_key=True)
    round_no: Mapped[int] = mapped_column(primary_key=True)
    rater_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        ForeignKeyConstraint(["project_id", "round_no"],
                             ["evaluation_rounds.project_id", "evaluation_rounds.round_no"],
                             ondelete="CASCADE"),
        CheckConstraint("n >= 0", name="n_not_negative"),
        CheckConstraint(f"rater_kind IN {_KINDS}", name="rater_kind"),
        CheckConstraint(f"level IN {_LEVELS}", name="level"),
    )


class RectificationReport(Base):
    """The responsible unit's account of what it changed after a round fell below the bar."""

    __tablename__ = "rectification_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    round_no: Mapped[int]  # the round whose result required it
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class EvaluationLog(Base):
    """Every step of a project's evaluation, in order: opened, closed, 整改, report, passed."""

    __tablename__ = "evaluation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    round_no: Mapped[int]
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: automatic
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()
