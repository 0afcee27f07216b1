"""Tables of the livelihood-project pipeline: cycles, their stage history and proposals."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
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
    # Personal data: the name is published only when the resident chose to be named.
    proposer_named: Mapped[bool] = mapped_column(default=False, server_default=false())
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.SUBMITTED.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Screening: the official who evaluates it, and the public answer when declined.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_ground: Mapped[str | None] = mapped_column(String(30))
    decline_reason: Mapped[str | None] = mapped_column(String(500))
    # The day the request came in, when that is not the day it was entered (hotline logs).
    received_on: Mapped[date | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    # Hidden by moderation: kept, never deleted; the author sees why.
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(200))
    # jieba tokens of title and description, for full-text search on both databases.
    search_text: Mapped[str] = mapped_column(Text, default="")
    # Kept in step by the services so that sorting 100,000 rows needs no join.
    cosign_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)

    cycle: Mapped[Cycle] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])
    photos: Mapped[list[ProposalPhoto]] = relationship(
        back_populates="proposal", order_by="ProposalPhoto.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_proposals_cycle_created", "cycle_id", "created_at"),
        Index("ix_proposals_cycle_cosigns", "cycle_id", "cosign_count"),
        Index("ix_proposals_cycle_comments", "cycle_id", "comment_count"),
        Index("ix_proposals_category_created", "category", "created_at"),
        Index("ix_proposals_community", "district", "street", "community"),
        Index("ix_proposals_proposer", "proposer_id"),
        Index("ix_proposals_visible_created", "hidden", "created_at"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
        CheckConstraint("cosign_count >= 0 AND comment_count >= 0", name="counts"),
        CheckConstraint("status != 'declined' OR (decline_ground IS NOT NULL"
                        " AND decline_reason IS NOT NULL)", name="declined_with_reason"),
    )


class ProposalPhoto(Base):
    """A photo attached to a proposal; the file lives outside the web root under `key`."""

    __tablename__ = "proposal_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"),
                                             index=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="photos")


class Cosign(Base):
    """A resident's support (附议) for a proposal: one per resident per proposal."""

    __tablename__ = "cosigns"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(Base):
    """A resident who asked to be told of a proposal's news."""

    __tablename__ = "follows"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Comment(Base):
    """A comment in a proposal's discussion; replies point to their parent."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The capacity the author spoke in (delegate, official), fixed when written.
    author_role: Mapped[str | None] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = mapped_column(String(200))

    author: Mapped[User] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_comments_proposal_created", "proposal_id", "created_at"),)


class Notification(Base):
    """An in-app notice to one user; `params` fill the translated message when shown."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE")
    )
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    proposal: Mapped[Proposal | None] = relationship()

    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)


class Report(Base):
    """A resident's report of a proposal or comment to the moderators."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(20))  # proposal | comment
    target_id: Mapped[int]
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(String(20))  # hidden | dismissed

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    proposal: Mapped[Proposal] = relationship()

    __table_args__ = (
        UniqueConstraint("target_type", "target_id", "reporter_id"),
        Index("ix_reports_open", "resolved_at", "created_at"),
    )


class ModerationLog(Base):
    """Every moderation and merge action: who did what to which item, and why."""

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))  # hide | unhide | dismiss | merge
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User] = relationship()


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
