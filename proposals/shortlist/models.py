"""Tables of the shortlist (项目初定): internal notes, candidates, their sources, amendments."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.collection.models import Proposal
from proposals.cycles.models import Cycle
from votes.base import Base, utcnow
from votes.people import User


class DeclineGround(enum.StrEnum):
    OVER_BUDGET = "over_budget"  # 超出财力
    NOT_GOVERNMENT_DUTY = "not_government_duty"  # 不属于政府职责
    PLANNED_ELSEWHERE = "planned_elsewhere"  # 已列入其他计划
    NOT_FEASIBLE = "not_feasible"  # 不具备实施条件
    OTHER = "other"  # 其他


class ProposalNote(Base):
    """An official's internal note on a proposal: never shown to the public or exported."""

    __tablename__ = "proposal_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class Candidate(Base):
    """A candidate project (候选项目) put to the ballot, made of one or more proposals."""

    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    responsible_unit: Mapped[str] = mapped_column(String(80))
    estimated_cost: Mapped[int] = mapped_column(BigInteger)  # yuan
    funding_source: Mapped[str] = mapped_column(String(120))
    policy_basis: Mapped[str] = mapped_column(Text, default="")
    feasibility: Mapped[str] = mapped_column(Text, default="")
    expected_completion: Mapped[date]
    location: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Removed by an amendment after submission: kept, shown struck out, not on the ballot.
    withdrawn: Mapped[bool] = mapped_column(default=False)

    cycle: Mapped[Cycle] = relationship()
    sources: Mapped[list[CandidateSource]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan",
        order_by="CandidateSource.proposal_id",
    )

    __table_args__ = (CheckConstraint("estimated_cost > 0", name="cost_positive"),)


class CandidateSource(Base):
    """A proposal taken into a candidate; the key makes two candidates for one impossible."""

    __tablename__ = "candidate_sources"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), index=True
    )

    candidate: Mapped[Candidate] = relationship(back_populates="sources")
    proposal: Mapped[Proposal] = relationship()


class ShortlistAmendment(Base):
    """A change to a submitted shortlist, with its reason: logged and shown publicly."""

    __tablename__ = "shortlist_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("candidates.id"))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))  # add | change | withdraw
    reason: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
