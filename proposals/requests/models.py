"""Tables of 接诉即办: requests, their public history, units, limits, pauses, ratings, 督办,
duplicates merged into one request and its co-requesters, the hotline's callers, and the
holiday arrangements an administrator enters for years chinesecalendar does not know."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from votes.base import Base, utcnow
from votes.people import User
from votes.places import Place


class Category(enum.StrEnum):
    """The proposals' own category codes (proposals/collection/models.py), so that requests
    and projects of one category and community can be compared; a unit test keeps them equal."""

    EDUCATION = "education"
    HEALTH = "health"
    ELDERLY_CARE = "elderly_care"
    TRANSPORT = "transport"
    ENVIRONMENT = "environment"
    HOUSING = "housing"
    CULTURE_SPORTS = "culture_sports"
    EMPLOYMENT = "employment"
    FOOD_SAFETY = "food_safety"
    PUBLIC_SAFETY = "public_safety"
    OTHER = "other"


class Urgency(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Channel(enum.StrEnum):
    ONLINE = "online"  # raised by the resident themself
    GRID_WORKER = "grid_worker"  # 网格员 (the role is not built yet)
    LIAISON_STATION = "liaison_station"  # 代表联络站
    HOTLINE = "hotline"  # 12345


class Status(enum.StrEnum):
    RAISED = "raised"  # 受理, awaiting dispatch
    DISPATCHED = "dispatched"  # 派单, awaiting the unit's signature
    SIGNED = "signed"  # 签收, being handled
    WAITING = "waiting"  # the clock is stopped, waiting for the requester
    REPLIED = "replied"  # 办理答复, awaiting the requester's rating
    REOPENED = "reopened"  # rated unsatisfied: handled again by the same unit
    CLOSED = "closed"  # rated 满意 or 基本满意
    MERGED = "merged"  # a duplicate, closed into the request about the same thing


class Rating(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class Ground(enum.StrEnum):
    """Why a request is on the supervision list (督办)."""

    SIGN_OVERDUE = "sign_overdue"
    RESOLVE_OVERDUE = "resolve_overdue"
    UNSATISFIED = "unsatisfied"


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Unit(Base):
    """A responsible unit (承办单位) and the official who signs for it."""

    __tablename__ = "request_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    official: Mapped[User] = relationship()


class TimeLimit(Base):
    """How long a unit has, by category and urgency: sign within hours, resolve within days."""

    __tablename__ = "request_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(10))
    sign_hours: Mapped[int]
    resolve_days: Mapped[int]  # working days
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("category", "urgency"),
        CheckConstraint("sign_hours BETWEEN 1 AND 720", name="sign_hours_range"),
        CheckConstraint("resolve_days BETWEEN 1 AND 60", name="resolve_days_range"),
        CheckConstraint(_in("urgency", Urgency), name="urgency_known"),
    )


class RequestCounter(Base):
    """The last number given in a year: its row is locked while a number is drawn, so two
    requests raised at once never draw the same one (and none is skipped)."""

    __tablename__ = "request_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Request(Base):
    """A resident's request (诉求). The requester is never shown to the public."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(16), unique=True)  # 2026-000123
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    # The community, by key (votes/places.py); its name beside it is a label kept in step.
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    community: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(10), default=Urgency.NORMAL.value)
    channel: Mapped[str] = mapped_column(String(20))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default=Status.RAISED.value)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The handling now under way: its unit, its limits as they were when it was dispatched
    # (a later change of the limits moves no clock), and its deadlines.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("request_units.id"), index=True)
    round: Mapped[int] = mapped_column(default=0)  # 0, then +1 at each reopening
    sign_hours: Mapped[int | None]
    resolve_days: Mapped[int | None]
    dispatched_at: Mapped[datetime | None]
    sign_due_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    handling_started_at: Mapped[datetime | None]  # dispatch, or the reopening
    resolve_due_at: Mapped[datetime | None]  # moved on by every pause once it ends
    replied_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]  # closed by its rating, or merged into another
    supervised: Mapped[bool] = mapped_column(default=False)  # on the 督办 list
    # The 12345 hotline's ticket (工单号) of an imported request: one request per ticket.
    ticket: Mapped[str | None] = mapped_column(String(40), unique=True)
    # A duplicate's main request (merging.py): never itself merged, so no chain.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)

    unit: Mapped[Unit | None] = relationship()
    place: Mapped[Place] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(order_by="RequestEvent.id", viewonly=True)
    merged_into: Mapped[Request | None] = relationship(remote_side=[id], viewonly=True)
    duplicates: Mapped[list[Request]] = relationship(order_by="Request.id", viewonly=True)
    co_requesters: Mapped[list[CoRequester]] = relationship(
        order_by="CoRequester.added_at", viewonly=True,
        primaryjoin="Request.id == CoRequester.request_id")
    # For the officials handling it only: the caller's name and number (never public).
    caller: Mapped[Caller | None] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint(_in("urgency", Urgency), name="urgency_known"),
        CheckConstraint(_in("channel", Channel), name="channel_known"),
        CheckConstraint(_in("status", Status), name="status_known"),
        CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)",
                        name="merged_into_set"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id",
                        name="not_merged_into_itself"),
        Index("ix_requests_status_raised", "status", "raised_at"),
        Index("ix_requests_community", "community"),
        Index("ix_requests_dispatched", "dispatched_at"),
    )


class Round(Base):
    """One handling of a request by its unit: from the dispatch, or from a reopening, to the
    reply. Its deadline is the one the resolution rate is counted on."""

    __tablename__ = "request_rounds"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    round: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("request_units.id"))
    started_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime]
    replied_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_request_rounds_unit_due", "unit_id", "resolve_due_at"),
    )


class RequestEvent(Base):
    """One step of a request's public history: the actor is named by role, never by person."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12))  # the status it led to
    actor_role: Mapped[str] = mapped_column(String(20))  # requester, dispatcher, unit, system
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # kept, not shown
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("request_units.id"))
    round: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit | None] = relationship()


class Pause(Base):
    """The clock stopped while the unit waits for the requester, with the reason logged."""

    __tablename__ = "request_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    round: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RequestRating(Base):
    """The requester's rating of one handling: one per request and round, by key."""

    __tablename__ = "request_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    round: Mapped[int]
    unit_id: Mapped[int] = mapped_column(ForeignKey("request_units.id"), index=True)
    rating: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("request_id", "round"),
        CheckConstraint(_in("rating", Rating), name="rating_known"),
        Index("ix_request_ratings_rated", "round", "rated_at"),
    )


class CoRequester(Base):
    """The requester of a duplicate merged into this request: told now, and of its reply and
    closing; they may rate its reply once (their rating counts in the satisfaction rate, as
    the requester's first rating does: rates.py). Never shown to the public."""

    __tablename__ = "request_co_requesters"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    merged_from_id: Mapped[int] = mapped_column(ForeignKey("requests.id"))  # their duplicate
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    rating: Mapped[str | None] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_round: Mapped[int | None]
    rated_unit_id: Mapped[int | None] = mapped_column(ForeignKey("request_units.id"))
    rated_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    merged_from: Mapped[Request] = relationship(foreign_keys=[merged_from_id], viewonly=True)

    __table_args__ = (
        CheckConstraint(_in("rating", Rating), name="rating_known"),
        CheckConstraint("(rating IS NULL) = (rated_at IS NULL)", name="rated_at_set"),
        Index("ix_request_co_requesters_rated", "rated_at"),
    )


class Caller(Base):
    """A 12345 caller's name and number as the hotline's export gives them, kept apart from
    the request's row: for the officials handling it only, never on a public page."""

    __tablename__ = "request_callers"

    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")


class Escalation(Base):
    """A request put on the supervision list (督办), on one ground, for one handling."""

    __tablename__ = "request_escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    round: Mapped[int]
    ground: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("request_units.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    request: Mapped[Request] = relationship()
    unit: Mapped[Unit | None] = relationship()

    __table_args__ = (
        UniqueConstraint("request_id", "round", "ground"),
        CheckConstraint(_in("ground", Ground), name="ground_known"),
    )


class DayKind(enum.StrEnum):
    OFF = "off"  # 放假: a day off, weekday or weekend
    WORKDAY = "workday"  # 调休上班: a Saturday or Sunday worked instead


class HolidayArrangement(Base):
    """A year's holiday arrangement as the State Council's notice gives it, entered by an
    administrator for a year the installed chinesecalendar does not know. Entering the year
    again replaces it (who and when are the last entry's; the audit log keeps each)."""

    __tablename__ = "holiday_arrangements"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    reference: Mapped[str] = mapped_column(String(80), default="")  # 国办发明电〔2026〕X号
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    entered_by: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint("year BETWEEN 1900 AND 2200", name="year_range"),
    )


class HolidayDay(Base):
    """One day of an arrangement: off, or a weekend day worked. Keyed by the day, so no day
    is both."""

    __tablename__ = "holiday_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(
        ForeignKey("holiday_arrangements.year", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))

    __table_args__ = (
        CheckConstraint(_in("kind", DayKind), name="kind_known"),
    )
