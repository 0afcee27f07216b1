"""Tables of collection (项目征集): proposals, photos, co-signs, comments, notices, moderation."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.cycles.models import Cycle
from votes.base import Base, utcnow
from votes.people import User
from votes.places import Place


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
    WITHDRAWN = "withdrawn"  # 已撤回 (by its author, while collection was open)


class Proposal(Base):
    """What a resident asks for, online or through a channel that speaks for them."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    # Where: the community, by key (votes/places.py); the three names beside it are labels
    # the services keep in step with the records, for lists, filters and exports.
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
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
    # The author's own changes while collection is open: the last edit (each earlier text
    # is kept in proposal_versions), and a withdrawal with its optional reason.
    edited_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(String(500))

    cycle: Mapped[Cycle] = relationship()
    place: Mapped[Place] = relationship()
    proposer: Mapped[User | None] = relationship(foreign_keys=[proposer_id])
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    merged_into: Mapped[Proposal | None] = relationship(remote_side=[id])
    photos: Mapped[list[ProposalPhoto]] = relationship(
        back_populates="proposal", order_by="ProposalPhoto.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[ProposalVersion]] = relationship(
        back_populates="proposal", order_by="ProposalVersion.number",
        cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_proposals_cycle_created", "cycle_id", "created_at"),
        Index("ix_proposals_cycle_cosigns", "cycle_id", "cosign_count"),
        Index("ix_proposals_cycle_comments", "cycle_id", "comment_count"),
        Index("ix_proposals_category_created", "category", "created_at"),
        Index("ix_proposals_community", "district", "street", "community"),
        Index("ix_proposals_proposer", "proposer_id"),
        Index("ix_proposals_visible_created", "hidden", "created_at", "id"),
        # The list's usual filter, counted and ordered from the index alone.
        Index("ix_proposals_filter", "cycle_id", "category", "community", "hidden",
              "created_at", "cosign_count", "comment_count"),
        CheckConstraint("beneficiaries IS NULL OR beneficiaries >= 0", name="beneficiaries"),
        CheckConstraint("cosign_count >= 0 AND comment_count >= 0", name="counts"),
        CheckConstraint("status != 'declined' OR (decline_ground IS NOT NULL"
                        " AND decline_reason IS NOT NULL)", name="declined_with_reason"),
    )


class PhotoBlob(Base):
    """A stored photo's bytes, by its key (photos.DatabaseStore): proposals' and reports'."""

    __tablename__ = "photo_blobs"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


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


class ProposalVersion(Base):
    """An earlier text of a proposal, kept when its author edits it: number 1 is the first."""

    __tablename__ = "proposal_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(40))
    street: Mapped[str] = mapped_column(String(40))
    community: Mapped[str] = mapped_column(String(40))
    beneficiaries: Mapped[int | None]
    # When this text was published (submitted or last edited), and when an edit replaced it.
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="versions")

    __table_args__ = (UniqueConstraint("proposal_id", "number"),)


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
