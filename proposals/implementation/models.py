"""Tables of implementation (项目实施): projects, milestones, reports, inspections, escalations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.cycles.models import Cycle
from proposals.shortlist.models import Candidate
from votes.base import Base, utcnow
from votes.people import User
from votes.places import Place


class ProgressMode(enum.StrEnum):
    MILESTONES = "milestones"  # progress is the done share of the milestones' weight
    MANUAL = "manual"  # reported as a percentage, with a reason, when milestones don't fit


# An answer, its author and its time are recorded together or not at all.
_ANSWERED_TOGETHER = (
    "(answer IS NULL AND answered_by_id IS NULL AND answered_at IS NULL)"
    " OR (answer IS NOT NULL AND answered_by_id IS NOT NULL AND answered_at IS NOT NULL)"
)


class Project(Base):
    """An adopted candidate being carried out by its responsible unit (责任单位)."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id"), unique=True)
    title: Mapped[str] = mapped_column(String(80))
    responsible_unit: Mapped[str] = mapped_column(String(80), index=True)
    lead_official_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Copied from the candidate and its proposals when the project is made, so the public
    # overview filters without joining through the shortlist.
    category: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(120))
    # The place it serves, by key (votes/places.py): its source proposals' community when
    # they share one, else their street, else their district (services.project_place); an
    # official may choose another. Unknown (None) only for a candidate without sources.
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    budget: Mapped[int] = mapped_column(BigInteger)  # yuan
    start_date: Mapped[date]
    target_date: Mapped[date]
    progress_mode: Mapped[str] = mapped_column(String(20), default=ProgressMode.MILESTONES.value)
    manual_progress: Mapped[int] = mapped_column(default=0)
    manual_reason: Mapped[str | None] = mapped_column(String(500))
    report_interval_days: Mapped[int] = mapped_column(default=30)
    completed_on: Mapped[date | None]
    # Set by the evaluation when satisfaction falls short (整改).
    rectifying: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cycle: Mapped[Cycle] = relationship()
    candidate: Mapped[Candidate] = relationship()
    place: Mapped[Place | None] = relationship()
    lead_official: Mapped[User] = relationship(foreign_keys=[lead_official_id])
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="project", order_by="Milestone.position", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="project", cascade="all, delete-orphan",
        order_by=lambda: [ProgressReport.reported_on, ProgressReport.id],
    )

    __table_args__ = (
        CheckConstraint("budget > 0", name="budget_positive"),
        CheckConstraint("target_date >= start_date", name="target_after_start"),
        CheckConstraint("progress_mode IN ('milestones', 'manual')", name="progress_mode"),
        CheckConstraint("manual_progress >= 0 AND manual_progress <= 100",
                        name="manual_progress_range"),
        CheckConstraint("report_interval_days > 0 AND report_interval_days <= 366",
                        name="report_interval"),
        CheckConstraint("progress_mode != 'manual' OR manual_reason IS NOT NULL",
                        name="manual_with_reason"),
    )


class Milestone(Base):
    """A step of a project with its weight in the whole; done when a report says it was reached."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(120))
    target_date: Mapped[date]
    weight: Mapped[int]
    done_on: Mapped[date | None]

    project: Mapped[Project] = relationship(back_populates="milestones")

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("weight > 0 AND weight <= 1000", name="weight_positive"),
        CheckConstraint("position > 0", name="position_positive"),
    )


class ProgressReport(Base):
    """A dated report by the responsible unit; reports are kept, never overwritten."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reported_on: Mapped[date]
    body: Mapped[str] = mapped_column(Text)
    spend_to_date: Mapped[int | None] = mapped_column(BigInteger)  # yuan, cumulative
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestones.id", ondelete="SET NULL"))
    percent: Mapped[int | None]  # manual mode only
    reason: Mapped[str | None] = mapped_column(String(500))  # why this percentage
    # The project's progress once this report was taken in: the history of the number.
    progress_after: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="reports")
    author: Mapped[User] = relationship()
    milestone: Mapped[Milestone | None] = relationship()
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_progress_reports_project_date", "project_id", "reported_on"),
        CheckConstraint("spend_to_date IS NULL OR spend_to_date >= 0", name="spend_not_negative"),
        CheckConstraint("percent IS NULL OR (percent >= 0 AND percent <= 100)",
                        name="percent_range"),
        CheckConstraint("percent IS NULL OR reason IS NOT NULL", name="percent_with_reason"),
        CheckConstraint("progress_after >= 0 AND progress_after <= 100",
                        name="progress_after_range"),
    )


class ReportPhoto(Base):
    """A photo of a progress report; the file lives outside the web root under `key`."""

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[ProgressReport] = relationship(back_populates="photos")


class Inspection(Base):
    """Delegates' supervision visit (视察): who went, what they found."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    inspected_on: Mapped[date]
    participants: Mapped[str] = mapped_column(String(500))
    findings: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship()
    recorded_by: Mapped[User] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="inspection", order_by="FollowUp.id", cascade="all, delete-orphan"
    )


class FollowUp(Base):
    """A request from an inspection that the responsible unit must answer."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(
        ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    # Repeated from the inspection so a project's open follow-ups need no join.
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    request: Mapped[str] = mapped_column(String(1000))
    due_on: Mapped[date | None]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]

    inspection: Mapped[Inspection] = relationship(back_populates="follow_ups")
    project: Mapped[Project] = relationship()
    answered_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_follow_ups_project_open", "project_id", "answered_at"),
        CheckConstraint(_ANSWERED_TOGETHER, name="answered_together"),
    )


class Escalation(Base):
    """督办: the assembly's office takes a lagging project in hand; the unit must answer."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            index=True)
    grounds: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]

    project: Mapped[Project] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    __table_args__ = (
        CheckConstraint("grounds IN ('overdue', 'unanswered')", name="grounds"),
        CheckConstraint(_ANSWERED_TOGETHER, name="answered_together"),
    )
