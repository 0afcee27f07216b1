"""Samples of the council's URLs for the access test (tests/functional/test_access.py)."""

from __future__ import annotations

from datetime import date

from proposals.council import services as councils
from proposals.council.loop import add_action_item
from proposals.council.meetings import (
    add_to_agenda,
    close_motion,
    plan_meeting,
    put_motion,
    record_attendance,
)
from proposals.council.topics import raise_topic
from tests.functional.builders import COMMUNITY, live_in, seat_council
from votes.casting import cast_ballot
from votes.people import Role


def add_samples(db, base) -> dict:
    admin, make_user = base["admin"], base["make_user"]
    seated = seat_council(db, make_user, admin, start=date(2020, 1, 1), end=date(2099, 12, 31))
    chair = seated.convenor
    day = date(2020, 6, 1)
    resident = live_in(db, make_user(Role.RESIDENT, name="提出人"))
    topic = raise_topic(db, resident, seated.council, title="路灯不亮",
                        description="夜里看不见路。", category="public_safety", today=day)
    meeting = plan_meeting(db, chair, seated.council, held_on=day, place="社区活动室", today=day)
    item = add_to_agenda(db, chair, meeting, topic, day)
    record_attendance(db, chair, meeting, {m.id for m in seated.members}, day)
    ballot = put_motion(db, chair, item, "请物业一周内修好路灯。", today=day)
    for member in seated.members:
        cast_ballot(db, ballot.id, member, {ballot.options[0].id: "yes"})
    close_motion(db, chair, item, day)
    action = add_action_item(db, chair, topic, title="联系物业", due_on=date(2020, 6, 8),
                             today=day, outside_party="物业公司")
    candidate = make_user(Role.RESIDENT, name="候选人")
    live_in(db, candidate, COMMUNITY)
    db.flush()
    term = councils.create_election(
        db, admin, seated.council, title="换届选举", term_start=date(2100, 1, 1),
        term_end=date(2102, 12, 31), candidates=[*seated.members, candidate])
    return {"council_id": seated.council.id, "meeting_id": meeting.id, "topic_id": topic.id,
            "agenda_item_id": item.id, "action_id": action.id, "term_id": term.id}
