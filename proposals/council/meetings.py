"""Council meetings: plan, agenda, comments, attendance and quorum, motions, minutes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.council.models import (
    AgendaItem,
    Attendance,
    Council,
    Meeting,
    MeetingComment,
    MinutesRevision,
    Topic,
)
from proposals.council.rules import (
    SCHEDULABLE,
    MinutesStatus,
    Quorum,
    TopicEvent,
    TopicState,
    minutes_edit,
    quorum,
)
from proposals.council.services import MOTION, clean_text, current_term, is_member, require_convenor
from proposals.council.topics import step
from votes import casting, closing
from votes.ballots import Ballot, BallotStatus
from votes.base import DomainError, utcnow
from votes.people import Role, User, roster
from votes.rules import BallotRules, Majority, ThresholdBase
from votes.tally_methods import Method

PLACE_MAX = 120
MOTION_MAX = 1000
COMMENT_MAX = 1000
MINUTES_MAX = 20_000


def plan_meeting(
    session: Session, actor: User, council: Council, *, held_on: date, place: str,
    today: date, starts_at: str | None = None,
) -> Meeting:
    """The convenor of the term sitting on that day plans the meeting."""
    if held_on < today:
        raise DomainError("meeting_in_past")
    term = current_term(session, council, held_on)
    if term is None:
        raise DomainError("no_term")
    require_convenor(session, actor, term.assembly_id, today)
    meeting = Meeting(council_id=council.id, assembly_id=term.assembly_id, held_on=held_on,
                      starts_at=(starts_at or None), place=clean_text(place, "place", PLACE_MAX),
                      quorum_num=council.quorum_num, quorum_den=council.quorum_den,
                      created_by_id=actor.id)
    session.add(meeting)
    session.flush()
    return meeting


def meetings_of(session: Session, council: Council) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(Meeting.council_id == council.id)
                                .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def next_meeting(session: Session, council: Council, today: date) -> Meeting | None:
    """The earliest meeting still ahead whose agenda is open (not yet sitting)."""
    return session.scalar(
        select(Meeting).where(Meeting.council_id == council.id, Meeting.held_on >= today,
                              Meeting.attendance_recorded_at.is_(None),
                              Meeting.minutes_status == MinutesStatus.DRAFT.value)
        .order_by(Meeting.held_on, Meeting.id).limit(1))


def _open(meeting: Meeting) -> None:
    if meeting.approved:
        raise DomainError("meeting_closed")


def _require_sitting_member(session: Session, actor: User, meeting: Meeting) -> None:
    if not is_member(session, actor, meeting.assembly_id, meeting.held_on):
        raise DomainError("members_only")


# --- agenda ---------------------------------------------------------------------------------


def schedule(session: Session, meeting: Meeting, topic: Topic, *, actor: User,
             today: date) -> AgendaItem:
    """Put a topic on the agenda (no membership check: also used when a topic is reopened)."""
    _open(meeting)
    if topic.council_id != meeting.council_id:
        raise DomainError("not_found")
    if TopicState(topic.state) not in SCHEDULABLE:
        raise DomainError("not_schedulable")
    last = session.scalar(select(func.max(AgendaItem.position))
                          .where(AgendaItem.meeting_id == meeting.id)) or 0
    item = AgendaItem(meeting_id=meeting.id, topic_id=topic.id, position=last + 1,
                      added_by_id=actor.id)
    session.add(item)
    session.flush()
    step(session, topic, TopicEvent.SCHEDULE, actor=actor, today=today,
         date=meeting.held_on.isoformat(), place=meeting.place)
    return item


def add_to_agenda(session: Session, actor: User, meeting: Meeting, topic: Topic,
                  today: date) -> AgendaItem:
    """Any member of the sitting term picks a received, deferred or reopened topic."""
    _require_sitting_member(session, actor, meeting)
    return schedule(session, meeting, topic, actor=actor, today=today)


def comment_on_agenda(session: Session, actor: User, meeting: Meeting, body: str,
                      today: date) -> MeetingComment:
    """Residents read the agenda beforehand and say what they think of it."""
    if not actor.has_role(Role.RESIDENT, Role.DELEGATE):
        raise DomainError("residents_only")
    if today > meeting.held_on or meeting.attendance_recorded_at is not None:
        raise DomainError("agenda_closed")
    comment = MeetingComment(meeting_id=meeting.id, author_id=actor.id,
                             body=clean_text(body, "body", COMMENT_MAX))
    session.add(comment)
    session.flush()
    return comment


def comments_on(session: Session, meeting: Meeting) -> list[MeetingComment]:
    return list(session.scalars(select(MeetingComment).where(
        MeetingComment.meeting_id == meeting.id).order_by(MeetingComment.id)))


# --- attendance and quorum ------------------------------------------------------------------


def record_attendance(session: Session, actor: User, meeting: Meeting,
                      present_ids: set[int], today: date) -> Quorum:
    """The convenor records who is present; may be recorded again as members arrive."""
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    _open(meeting)
    if today < meeting.held_on:
        raise DomainError("meeting_not_yet")
    seated = roster(session, meeting.assembly_id, meeting.held_on)
    if set(present_ids) - {u.id for u in seated}:
        raise DomainError("members_only")
    for member in seated:
        row = session.get(Attendance, (meeting.id, member.id))
        if row is None:
            row = Attendance(meeting_id=meeting.id, user_id=member.id, recorded_by_id=actor.id,
                             present=False)
            session.add(row)
        row.present = member.id in present_ids
        row.recorded_by_id = actor.id
    meeting.attendance_recorded_at = utcnow()
    session.flush()
    return meeting_quorum(session, meeting)


def present_members(session: Session, meeting: Meeting) -> list[User]:
    present = set(session.scalars(select(Attendance.user_id).where(
        Attendance.meeting_id == meeting.id, Attendance.present.is_(True))))
    return [u for u in roster(session, meeting.assembly_id, meeting.held_on) if u.id in present]


def meeting_quorum(session: Session, meeting: Meeting) -> Quorum:
    seated = roster(session, meeting.assembly_id, meeting.held_on)
    return quorum(len(present_members(session, meeting)), len(seated), meeting.quorum_num,
                  meeting.quorum_den)


# --- motions --------------------------------------------------------------------------------


def put_motion(
    session: Session, actor: User, item: AgendaItem, text: str, *, today: date,
    secret: bool = True, majority: Majority | str = Majority.SIMPLE,
) -> Ballot:
    """Open the vote on an item's motion: only with quorum, among the members present.

    YNA with the members present as the base; the roster is exactly the members the
    convenor recorded present, all checked in, so nobody else can cast a ballot.
    """
    casting.begin_write(session)
    meeting = item.meeting
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    _open(meeting)
    if item.ballot_id is not None or item.outcome is not None:
        raise DomainError("item_settled")
    if meeting.attendance_recorded_at is None:
        raise DomainError("no_attendance")
    check = meeting_quorum(session, meeting)
    if not check.met:
        raise DomainError("no_quorum", present=check.present, needed=check.needed)
    text = clean_text(text, "motion", MOTION_MAX)
    rules = BallotRules(method=Method.YNA, threshold_base=ThresholdBase.PRESENT,
                        majority=Majority(majority), seats=1, secret=bool(secret))
    # The convenor is the motion's teller: the ballot engine lets them run this one ballot.
    # Titles are stored as shown, in the council's language, like a run-off's （再次投票）.
    ballot = casting.create_ballot(
        session, actor, meeting.assembly, MOTION, item.id, f"{item.topic.title}（动议）",
        rules, [{"title": text[:200], "description": text}], teller=actor)
    present = present_members(session, meeting)
    casting.open_ballot(session, actor, ballot, on=meeting.held_on, voters=present)
    for member in present:
        casting.check_in(session, actor, ballot, delegate=member)
    item.motion = text
    item.ballot_id = ballot.id
    session.flush()
    return ballot


def close_motion(session: Session, actor: User, item: AgendaItem, today: date) -> str:
    """Count and publish the motion's vote; the item is carried or rejected, the topic decided."""
    casting.begin_write(session)
    meeting = item.meeting
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    ballot = session.get(Ballot, item.ballot_id) if item.ballot_id else None
    if ballot is None or ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    result = closing.close_ballot(session, actor, ballot)
    closing.publish_ballot(session, actor, ballot)
    carried = ballot.options[0].id in result["adopted"]
    item.outcome = "carried" if carried else "rejected"
    step(session, item.topic, TopicEvent.DECIDE, actor=actor, today=today, note=item.motion,
         kind=f"council_{item.outcome}")
    return item.outcome


def defer_item(session: Session, actor: User, item: AgendaItem, reason: str,
               today: date) -> None:
    meeting = item.meeting
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    _open(meeting)
    if item.ballot_id is not None or item.outcome is not None:
        raise DomainError("item_settled")
    item.defer_reason = clean_text(reason, "reason", MOTION_MAX)
    item.outcome = "deferred"
    step(session, item.topic, TopicEvent.DEFER, actor=actor, today=today,
         note=item.defer_reason)


# --- minutes --------------------------------------------------------------------------------


def save_minutes(session: Session, actor: User, meeting: Meeting, text: str,
                 reason: str | None = None) -> MinutesRevision | None:
    """The convenor writes the minutes; once approved, a change needs a reason and is logged."""
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    text = (text or "").strip()
    if len(text) > MINUTES_MAX:
        raise DomainError("too_long", field="minutes", max=MINUTES_MAX)
    try:
        logged = minutes_edit(meeting.minutes_status, reason)
    except ValueError:
        raise DomainError("reason_required", field="reason") from None
    revision = None
    if logged is not None:
        if not text:
            raise DomainError("required", field="minutes")
        revision = MinutesRevision(meeting_id=meeting.id, previous=meeting.minutes,
                                   revised=text, reason=logged, revised_by_id=actor.id)
        session.add(revision)
    meeting.minutes = text
    session.flush()
    return revision


def approve_minutes(session: Session, actor: User, meeting: Meeting, today: date) -> None:
    """The convenor approves after the meeting, once every item is voted on or deferred."""
    require_convenor(session, actor, meeting.assembly_id, meeting.held_on)
    _open(meeting)
    if today < meeting.held_on or meeting.attendance_recorded_at is None:
        raise DomainError("meeting_not_yet")
    if not meeting.minutes.strip():
        raise DomainError("required", field="minutes")
    if any(item.outcome is None for item in meeting.items):
        raise DomainError("items_unsettled")
    meeting.minutes_status = MinutesStatus.APPROVED.value
    meeting.minutes_approved_at = utcnow()
    meeting.minutes_approved_by_id = actor.id
    session.flush()


def revisions_of(session: Session, meeting: Meeting) -> list[MinutesRevision]:
    return list(session.scalars(select(MinutesRevision).where(
        MinutesRevision.meeting_id == meeting.id).order_by(MinutesRevision.id)))
