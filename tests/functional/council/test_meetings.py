"""What a council meeting refuses: votes without quorum or from others, late minutes changes."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from proposals.council import loop, meetings
from proposals.council.models import MinutesRevision, Topic, TopicLog
from proposals.council.topics import raise_topic
from tests.functional.builders import live_in, seat_council
from votes.ballots import BallotRosterEntry
from votes.base import DomainError
from votes.casting import cast_ballot
from votes.people import Role

DAY = date(2025, 5, 20)


@pytest.fixture
def sitting(db, make_user, admin):
    """A council of five on the day of its meeting, with one topic on the agenda."""
    seated = seat_council(db, make_user, admin, seats=5)
    resident = live_in(db, make_user(Role.RESIDENT, name="反映人"))
    topic = raise_topic(db, resident, seated.council, title="垃圾桶不够",
                        description="北门没有垃圾桶。", category="environment",
                        today=date(2025, 5, 1))
    meeting = meetings.plan_meeting(db, seated.convenor, seated.council, held_on=DAY,
                                    place="活动室", today=date(2025, 5, 2))
    item = meetings.add_to_agenda(db, seated.members[2], meeting, topic, date(2025, 5, 2))
    db.commit()
    seated.resident, seated.topic, seated.meeting, seated.item = resident, topic, meeting, item
    return seated


def refused(code: str, call, *args, **kwargs) -> None:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code


def test_no_motion_without_attendance_or_quorum(db, sitting):
    chair, members = sitting.convenor, sitting.members
    refused("no_attendance", meetings.put_motion, db, chair, sitting.item, "动议", today=DAY)
    refused("meeting_not_yet", meetings.record_attendance, db, chair, sitting.meeting,
            {chair.id}, date(2025, 5, 19))
    meetings.record_attendance(db, chair, sitting.meeting, {m.id for m in members[:2]}, DAY)
    refused("no_quorum", meetings.put_motion, db, chair, sitting.item, "动议", today=DAY)
    assert sitting.item.ballot_id is None
    check = meetings.record_attendance(db, chair, sitting.meeting,
                                       {m.id for m in members[:3]}, DAY)
    assert check.met and (check.present, check.members, check.needed) == (3, 5, 3)
    ballot = meetings.put_motion(db, chair, sitting.item, "增设两个垃圾桶", today=DAY)
    entries = db.scalars(select(BallotRosterEntry).where(
        BallotRosterEntry.ballot_id == ballot.id)).all()
    assert {e.user_id for e in entries} == {m.id for m in members[:3]}
    assert all(e.present and e.checked_in_by_id == chair.id for e in entries)
    assert ballot.rules.threshold_base.value == "present" and ballot.created_by_id == chair.id


def test_only_the_members_present_can_vote_and_the_majority_of_them_decides(
        db, sitting, make_user):
    chair, members = sitting.convenor, sitting.members
    meetings.record_attendance(db, chair, sitting.meeting, {m.id for m in members[:4]}, DAY)
    ballot = meetings.put_motion(db, chair, sitting.item, "增设两个垃圾桶", today=DAY,
                                 secret=False)
    option = ballot.options[0].id
    for outsider in (members[4], make_user(Role.DELEGATE), sitting.resident):
        refused("not_on_roster", cast_ballot, db, ballot.id, outsider, {option: "yes"})
    for member, mark in zip(members[:4], ["yes", "yes", "no", "abstain"], strict=True):
        cast_ballot(db, ballot.id, member, {option: mark})
    # 2 yes of 4 present is not more than half: the motion is not carried.
    assert meetings.close_motion(db, chair, sitting.item, DAY) == "rejected"
    topic = db.get(Topic, sitting.topic.id)
    assert topic.state == "decided"
    refused("motion_not_carried", loop.add_action_item, db, chair, topic, title="买桶",
            due_on=DAY, today=DAY, outside_party="物业")
    loop.report_back(db, chair, topic, "动议未获通过：物业已承诺自行增设。", DAY)
    assert topic.state == "reported"


def test_only_the_convenor_chairs(db, sitting):
    other = sitting.members[1]
    for call, args in [
        (meetings.record_attendance, (db, other, sitting.meeting, set(), DAY)),
        (meetings.defer_item, (db, other, sitting.item, "理由", DAY)),
        (meetings.save_minutes, (db, other, sitting.meeting, "纪要")),
        (meetings.approve_minutes, (db, other, sitting.meeting, DAY)),
    ]:
        refused("convenor_only", call, *args)
    refused("members_only", meetings.add_to_agenda, db, sitting.resident, sitting.meeting,
            sitting.topic, DAY)


def test_approved_minutes_change_only_with_a_logged_reason(db, sitting):
    chair, meeting = sitting.convenor, sitting.meeting
    meetings.record_attendance(db, chair, meeting, {m.id for m in sitting.members}, DAY)
    meetings.save_minutes(db, chair, meeting, "全体出席。")
    refused("items_unsettled", meetings.approve_minutes, db, chair, meeting, DAY)
    meetings.defer_item(db, chair, sitting.item, "等物业报价", DAY)
    meetings.save_minutes(db, chair, meeting, "全体出席，一项暂缓。")  # a draft: no revision
    meetings.approve_minutes(db, chair, meeting, DAY)
    refused("meeting_closed", meetings.approve_minutes, db, chair, meeting, DAY)
    refused("reason_required", meetings.save_minutes, db, chair, meeting, "改写")
    refused("reason_required", meetings.save_minutes, db, chair, meeting, "改写", "  ")
    assert meeting.minutes == "全体出席，一项暂缓。"
    meetings.save_minutes(db, chair, meeting, "全体5人出席，一项暂缓。", "补记人数")
    db.commit()
    revisions = meetings.revisions_of(db, meeting)
    assert [(r.previous, r.revised, r.reason) for r in revisions] == [
        ("全体出席，一项暂缓。", "全体5人出席，一项暂缓。", "补记人数")]
    revisions[0].reason = "改掉理由"
    with pytest.raises(DomainError):
        db.flush()  # the record of a change is itself never changed
    db.rollback()
    assert db.scalar(select(MinutesRevision.reason)) == "补记人数"


def test_a_deferred_topic_returns_on_a_later_agenda_and_a_closed_meeting_takes_nothing(
        db, sitting):
    chair = sitting.convenor
    meetings.defer_item(db, chair, sitting.item, "等物业报价", DAY)
    refused("item_settled", meetings.put_motion, db, chair, sitting.item, "动议", today=DAY)
    topic = db.get(Topic, sitting.topic.id)
    assert topic.state == "deferred"
    later = meetings.plan_meeting(db, chair, sitting.council, held_on=date(2025, 6, 20),
                                  place="活动室", today=DAY)
    refused("meeting_in_past", meetings.plan_meeting, db, chair, sitting.council,
            held_on=date(2025, 5, 1), place="活动室", today=DAY)
    meetings.add_to_agenda(db, sitting.members[1], later, topic, DAY)
    assert topic.state == "scheduled"
    refused("not_schedulable", meetings.add_to_agenda, db, chair, sitting.meeting, topic, DAY)
    events = db.scalars(select(TopicLog.event).where(TopicLog.topic_id == topic.id)
                        .order_by(TopicLog.id)).all()
    assert events == ["raise", "schedule", "defer", "schedule"]


def test_agenda_comments_close_when_the_meeting_sits(db, sitting):
    meetings.comment_on_agenda(db, sitting.resident, sitting.meeting, "建议放在北门。",
                               date(2025, 5, 10))
    meetings.record_attendance(db, sitting.convenor, sitting.meeting, set(), DAY)
    refused("agenda_closed", meetings.comment_on_agenda, db, sitting.resident,
            sitting.meeting, "太晚了", DAY)
    assert [c.body for c in meetings.comments_on(db, sitting.meeting)] == ["建议放在北门。"]


def test_satisfied_closes_only_the_raiser_rates_and_tasks_need_an_owner(db, sitting):
    chair, members = sitting.convenor, sitting.members
    meetings.record_attendance(db, chair, sitting.meeting, {m.id for m in members}, DAY)
    ballot = meetings.put_motion(db, chair, sitting.item, "增设两个垃圾桶", today=DAY)
    for member in members:
        cast_ballot(db, ballot.id, member, {ballot.options[0].id: "yes"})
    assert meetings.close_motion(db, chair, sitting.item, DAY) == "carried"
    topic = db.get(Topic, sitting.topic.id)
    refused("no_assignee", loop.add_action_item, db, chair, topic, title="买桶", due_on=DAY,
            today=DAY)
    refused("assignee_not_member", loop.add_action_item, db, chair, topic, title="买桶",
            due_on=DAY, today=DAY, assignee=sitting.resident)
    refused("due_in_past", loop.add_action_item, db, chair, topic, title="买桶",
            due_on=date(2025, 5, 1), today=DAY, assignee=members[3])
    task = loop.add_action_item(db, chair, topic, title="买桶", due_on=DAY, today=DAY,
                                assignee=members[3])
    refused("actions_open", loop.report_back, db, chair, topic, "好了", DAY)
    refused("convenor_only", loop.complete_action_item, db, members[1], task, "买了", DAY)
    loop.complete_action_item(db, members[3], task, "买了两个", date(2025, 5, 25))
    refused("already_done", loop.complete_action_item, db, chair, task, "又买", DAY)
    loop.report_back(db, chair, topic, "北门已增设两个垃圾桶。", date(2025, 5, 26))
    refused("not_your_topic", loop.rate_topic, db, members[0], topic, "satisfied", "", DAY)
    refused("invalid_choice", loop.rate_topic, db, sitting.resident, topic, "great", "", DAY)
    loop.rate_topic(db, sitting.resident, topic, "basically_satisfied", "", date(2025, 5, 31))
    assert (topic.state, topic.rating, topic.resolved_on) == (
        "closed", "basically_satisfied", date(2025, 5, 31))
    refused("illegal_step", loop.rate_topic, db, sitting.resident, topic, "satisfied", "",
            date(2025, 6, 1))
