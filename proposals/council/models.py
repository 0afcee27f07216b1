"""Tables of a resident council: terms, topics and their loop, meetings, motions, action items."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from proposals.council.rules import ActionStatus, MinutesStatus, Rating, TopicState
from votes.base import Base, DomainError, utcnow
from votes.people import Assembly, User
from votes.places import Place


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Council(Base):
    """A community's resident council (居民议事会); each term is an Assembly of its own."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The community whose verified residents elect the council, by key (votes/places.py);
    # one council per community. Its name beside it is a label kept in step.
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), unique=True)
    community: Mapped[str] = mapped_column(String(40), unique=True)
    area: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]  # seats to elect each term
    # A meeting is quorate with strictly more than num/den of the members present.
    quorum_num: Mapped[int] = mapped_column(default=1)
    quorum_den: Mapped[int] = mapped_column(default=2)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    place: Mapped[Place] = relationship()
    terms: Mapped[list[CouncilTerm]] = relationship(back_populates="council",
                                                    order_by="CouncilTerm.id")

    __table_args__ = (
        CheckConstraint("size >= 1", name="size_positive"),
        CheckConstraint("quorum_den >= 1 AND quorum_num >= 0 AND quorum_num < quorum_den",
                        name="quorum_fraction"),
    )


class CouncilTerm(Base):
    """One term of a council: its Assembly (the roster) and the election that filled it."""

    __tablename__ = "council_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"), unique=True)
    seats: Mapped[int]
    # None for a term seated before Yishi kept councils (the demo's first term).
    election_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"), unique=True)
    seated_at: Mapped[datetime | None]  # the elected took their seats
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council: Mapped[Council] = relationship(back_populates="terms")
    assembly: Mapped[Assembly] = relationship()

    __table_args__ = (CheckConstraint("seats >= 1", name="seats_positive"),)


class Topic(Base):
    """A community matter (议题) a resident raised, followed through the closed loop."""

    __tablename__ = "council_topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))
    title: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=TopicState.RECEIVED.value)
    raised_on: Mapped[date]
    result: Mapped[str | None] = mapped_column(Text)  # the last report back
    reported_on: Mapped[date | None]
    rating: Mapped[str | None] = mapped_column(String(20))  # the latest rating
    resolved_on: Mapped[date | None]  # closed on, after a rating that did not reopen it
    reopen_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council: Mapped[Council] = relationship()
    raised_by: Mapped[User] = relationship()
    events: Mapped[list[TopicLog]] = relationship(order_by="TopicLog.id", viewonly=True)
    actions: Mapped[list[ActionItem]] = relationship(back_populates="topic",
                                                     order_by="ActionItem.id")

    __table_args__ = (
        CheckConstraint(_in("state", TopicState), name="state"),
        CheckConstraint(f"rating IS NULL OR {_in('rating', Rating)}", name="rating"),
        CheckConstraint("state != 'closed' OR resolved_on IS NOT NULL", name="closed_resolved"),
        CheckConstraint("reopen_count >= 0", name="reopen_count"),
    )


class TopicLog(Base):
    """One step of a topic's loop, with who took it and why; never changed afterwards."""

    __tablename__ = "council_topic_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))  # the state the event led to
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    happened_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint(_in("state", TopicState), name="state"),)


class TopicRating(Base):
    """The raiser's rating of one round of handling; a reopened topic is rated again."""

    __tablename__ = "council_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    round: Mapped[int]  # the topic's reopen_count when rated
    rating: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("topic_id", "round"),
        CheckConstraint(_in("rating", Rating), name="rating"),
        CheckConstraint("round >= 0", name="round"),
    )


class Meeting(Base):
    """A council meeting: date, place, agenda, attendance and minutes."""

    __tablename__ = "council_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    # The term whose members sit in this meeting (the roster on held_on).
    assembly_id: Mapped[int] = mapped_column(ForeignKey("assemblies.id"))
    held_on: Mapped[date]
    starts_at: Mapped[str | None] = mapped_column(String(5))  # 19:30, local time
    place: Mapped[str] = mapped_column(String(120))
    # Copied from the council when planned, so changing the council never re-judges a meeting.
    quorum_num: Mapped[int]
    quorum_den: Mapped[int]
    attendance_recorded_at: Mapped[datetime | None]
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_status: Mapped[str] = mapped_column(String(20), default=MinutesStatus.DRAFT.value)
    minutes_approved_at: Mapped[datetime | None]
    minutes_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council: Mapped[Council] = relationship()
    assembly: Mapped[Assembly] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting",
                                                   order_by="AgendaItem.position")

    __table_args__ = (
        CheckConstraint(_in("minutes_status", MinutesStatus), name="minutes_status"),
        CheckConstraint("minutes_status != 'approved' OR (minutes_approved_at IS NOT NULL"
                        " AND minutes_approved_by_id IS NOT NULL)", name="approved_by"),
        CheckConstraint("quorum_den >= 1 AND quorum_num >= 0 AND quorum_num < quorum_den",
                        name="quorum_fraction"),
    )

    @property
    def approved(self) -> bool:
        return self.minutes_status == MinutesStatus.APPROVED


class Attendance(Base):
    """Whether a member was present, as the convenor recorded it."""

    __tablename__ = "council_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    present: Mapped[bool]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AgendaItem(Base):
    """A topic on a meeting's agenda, ending in a motion's vote or a deferral with reason."""

    __tablename__ = "council_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    position: Mapped[int]
    motion: Mapped[str | None] = mapped_column(Text)
    # The motion's ballot (subject_type 'motion', subject_id this item's id).
    ballot_id: Mapped[int | None] = mapped_column(ForeignKey("ballots.id"), unique=True)
    outcome: Mapped[str | None] = mapped_column(String(20))  # carried | rejected | deferred
    defer_reason: Mapped[str | None] = mapped_column(Text)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    topic: Mapped[Topic] = relationship()

    __table_args__ = (
        UniqueConstraint("meeting_id", "topic_id"),
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint("position >= 1", name="position"),
        CheckConstraint("outcome IS NULL OR outcome IN ('carried', 'rejected', 'deferred')",
                        name="outcome"),
        CheckConstraint("outcome IS NULL OR outcome != 'deferred' OR defer_reason IS NOT NULL",
                        name="deferred_with_reason"),
        CheckConstraint("outcome IS NULL OR outcome = 'deferred' OR ballot_id IS NOT NULL",
                        name="voted_with_ballot"),
    )


class MeetingComment(Base):
    """A resident's comment on a meeting's agenda, made before the meeting."""

    __tablename__ = "council_meeting_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship()


class MinutesRevision(Base):
    """A change to approved minutes: the text before, the text after, who and why."""

    __tablename__ = "council_minutes_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id"), index=True)
    previous: Mapped[str] = mapped_column(Text)
    revised: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    revised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    revised_by: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("reason != ''", name="reason_given"),)


class ActionItem(Base):
    """A task a decision yields: a member's, or an outside party's the council contacts."""

    __tablename__ = "council_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("council_topics.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_items.id"))
    title: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outside_party: Mapped[str | None] = mapped_column(String(80))  # 物业, 供电公司, 区住建委
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN.value)
    done_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship(back_populates="actions")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    __table_args__ = (
        CheckConstraint("assignee_id IS NOT NULL OR outside_party IS NOT NULL",
                        name="assigned"),
        CheckConstraint(_in("status", ActionStatus), name="status"),
        CheckConstraint("status != 'done' OR (done_on IS NOT NULL AND outcome IS NOT NULL)",
                        name="done_with_outcome"),
        CheckConstraint("status = 'done' OR done_on IS NULL", name="open_not_done"),
    )

    @property
    def owner(self) -> str:
        names = [n for n in (self.assignee.display_name if self.assignee else None,
                             self.outside_party) if n]
        return " / ".join(names)


def _refuse(code: str):
    def listener(_mapper, _connection, _target) -> None:
        raise DomainError(code)

    return listener


# The loop's log and the minutes' revisions are the council's record: append only.
for _model in (TopicLog, MinutesRevision, TopicRating):
    event.listen(_model, "before_update", _refuse("record_final"))
    event.listen(_model, "before_delete", _refuse("record_final"))
