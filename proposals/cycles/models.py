"""Tables of a cycle (one run of the pipeline) and its recorded stage moves."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.cycles.stages import ORDER, REASON_MAX, Stage
from votes.base import Base, utcnow
from votes.people import Assembly, User


class Cycle(Base):
    """One run of the pipeline for an assembly, e.g. 2027年度民生实事项目."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    title: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int]
    stage: Mapped[str] = mapped_column(String(20), default=Stage.COLLECTION.value)
    # Planned dates, one per stage; the actual moves are in StageTransition.
    collection_starts: Mapped[date]
    shortlist_starts: Mapped[date]
    ballot_starts: Mapped[date]
    implementation_starts: Mapped[date]
    evaluation_starts: Mapped[date]
    closes_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The shortlist's frame: the fiscal budget (yuan) and how many projects to adopt.
    budget: Mapped[int | None] = mapped_column(BigInteger)
    seats: Mapped[int | None]
    # Submitting the shortlist to the assembly locks it; later changes are amendments.
    shortlist_submitted_at: Mapped[datetime | None]
    shortlist_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Evaluation: a project whose satisfaction rate falls below this percentage is rectified.
    satisfaction_bar: Mapped[int] = mapped_column(default=80, server_default="80")

    assembly: Mapped[Assembly] = relationship()
    transitions: Mapped[list[StageTransition]] = relationship(
        back_populates="cycle", order_by="StageTransition.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint(
            "collection_starts <= shortlist_starts AND shortlist_starts <= ballot_starts"
            " AND ballot_starts <= implementation_starts"
            " AND implementation_starts <= evaluation_starts AND evaluation_starts <= closes_on",
            name="dates_in_order",
        ),
        CheckConstraint("budget IS NULL OR budget > 0", name="budget_positive"),
        CheckConstraint("seats IS NULL OR seats > 0", name="seats_positive"),
        CheckConstraint("satisfaction_bar >= 1 AND satisfaction_bar <= 100",
                        name="satisfaction_bar_range"),
    )

    def planned_start(self, stage: Stage) -> date:
        return {
            Stage.COLLECTION: self.collection_starts,
            Stage.SHORTLIST: self.shortlist_starts,
            Stage.BALLOT: self.ballot_starts,
            Stage.IMPLEMENTATION: self.implementation_starts,
            Stage.EVALUATION: self.evaluation_starts,
            Stage.CLOSED: self.closes_on,
        }[stage]


class StageTransition(Base):
    """A recorded move of a cycle to its next stage, or back to its previous one: who, when,
    and for a move back, why."""

    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX))  # required moving back

    cycle: Mapped[Cycle] = relationship(back_populates="transitions")
    actor: Mapped[User] = relationship()

    @property
    def is_back(self) -> bool:
        return ORDER.index(Stage(self.to_stage)) < ORDER.index(Stage(self.from_stage))
