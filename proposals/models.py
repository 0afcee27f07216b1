"""Tables of the livelihood-project pipeline: cycles, their stage history and proposals."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.stages import Stage
from votes.base import Base, utcnow
from votes.people import Assembly, User


class Category(enum.StrEnum):
    EDUCATION = "education"  # 教育
    HEALTH = "health"  # 医疗卫生
    ELDERLY_CARE = "elderly_care"  # 养老服务
    TRANSPORT = "transport"  # 交通出行
    ENVIRONMENT = "environment"  # 生态环境
    HOUSING = "housing"  # 住房与老旧小区改造
    CULTURE_SPORTS = "culture_sports"  # 文化体育
    EMPLOYMENT = "employment"  # 就业创业
    FOOD_SAFETY = "food_safety"  # 食品安全
    PUBLIC_SAFETY = "public_safety"  # 公共安全
    OTHER = "other"  # 其他


class Channel(enum.StrEnum):
    ONLINE = "online"  # 网上征集
    VISIT = "visit"  # 走访
    LIAISON_STATION = "liaison_station"  # 代表联络站
    HOTLINE = "hotline"  # 12345 热线


class ProposalStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # 已提交
    UNDER_REVIEW = "under_review"  # 审核中
    ACCEPTED = "accepted"  # 已列入候选
    MERGED = "merged"  # 已合并
    DECLINED = "declined"  # 未采纳
    ADOPTED = "adopted"  # 已票决通过


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
    """A recorded move of a cycle to its next stage: who, when."""

    __tablename__ = "stage_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="transitions")
    actor: Mapped[User] = relationship()


class Proposal(Base):
    """What a resident asks for, online or through a channel that speaks for them."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(40))
    community: Mapped[str] = mapped_column(String(40))
    beneficiaries: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(20), default=Channel.ONLINE.value)
    # The resident the proposal speaks for; a named person without an account
    # (a hotline caller) is kept as a name only.
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    proposer_name: Mapped[str] = mapped_column(String(60))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.SUBMITTED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])

    __table_args__ = (
        Index("ix_proposals_cycle_created", "cycle_id", "created_at"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
    )
