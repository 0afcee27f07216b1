"""The council's whole loop through the web: election, topic, meeting, vote, tasks, rating."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from proposals.collection.models import Notification
from proposals.council.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    MinutesRevision,
    Topic,
    TopicRating,
)
from tests.functional.builders import COMMUNITY, live_in, seat_council
from votes.ballots import Ballot, BallotRosterEntry, VoterRecord
from votes.people import Membership, Role, roster

ELECTION_DAY = date(2026, 12, 10)
NEW_TERM = (date(2027, 1, 1), date(2029, 12, 31))


@pytest.fixture
def people(db, make_user, admin):
    """An old council of three, candidates and voters in 和平社区, one outsider."""
    old = seat_council(db, make_user, admin)
    neighbours = []
    for i in range(4):
        person = make_user(Role.RESIDENT, username=f"heping{i}", name=f"居民{i}")
        live_in(db, person, COMMUNITY)
        neighbours.append(person)
    outsider = make_user(Role.RESIDENT, username="xingfu", name="幸福社区居民")
    live_in(db, outsider, "幸福社区")
    db.commit()
    return old, neighbours, outsider


def fresh(db, model, key):
    """The row as the app left it: the test's session would otherwise answer from memory."""
    db.expire_all()
    return db.get(model, key)


def as_user(client, login, user):
    client.post("/account/logout")
    login(user)


def vote(client, path: str, ticks: list[int]) -> str:
    client.post(f"{path}/review", data={"tick": ticks})
    return client.post(f"{path}/cast", data={"tick": ticks}).text


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash \w+">([^<]*)</p>', html)


def test_the_whole_loop(app, client, db, login, admin, official, make_user, people):
    old, neighbours, outsider = people
    council = old.council
    app.config["TODAY"] = ELECTION_DAY
    client.get("/lang/en")

    # --- election: residents of the community elect three members for the new term ---
    as_user(client, login, official)
    a, b, c, d = neighbours
    response = client.post(f"/official/councils/{council.id}/elections/new", data={
        "title": "和平社区居民议事会换届选举", "term_start": NEW_TERM[0].isoformat(),
        "term_end": NEW_TERM[1].isoformat(), "quorum": "1/2",
        "candidates": "\n".join(p.username for p in neighbours)})
    assert response.status_code == 302, flashes(response.text) or response.text
    term_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/official/council-terms/{term_id}/open")
    ballot = db.scalar(select(Ballot).where(Ballot.subject_type == "election"))
    assert ballot.status == "open"
    voters = set(db.scalars(select(BallotRosterEntry.user_id)
                            .where(BallotRosterEntry.ballot_id == ballot.id)))
    assert voters == {p.id for p in [*old.members, *neighbours]}  # 和平社区 only
    option = {o.ref_id: o.id for o in ballot.options}
    path = f"/resident/council/elections/{term_id}"
    for voter in [*old.members, a, b]:
        as_user(client, login, voter)
        assert "Your receipt code" in vote(client, path, [option[a.id], option[b.id],
                                                           option[c.id]])
    as_user(client, login, outsider)
    refused = client.get(path).text
    assert "Only residents verified in 和平社区" in refused
    assert 'href="/resident/residence"' in refused  # where to get verified
    vote(client, path, [option[d.id]])
    assert fresh(db, VoterRecord, (ballot.id, outsider.id)) is None

    as_user(client, login, official)
    client.post(f"/official/council-terms/{term_id}/close")
    client.post(f"/official/council-terms/{term_id}/seat")
    client.post(f"/official/council-terms/{term_id}/convenor", data={"user_id": a.id})
    assert {u.id for u in roster(db, ballot.assembly_id, NEW_TERM[0])} == {a.id, b.id, c.id}
    assert db.scalar(select(Membership.title).filter_by(assembly_id=ballot.assembly_id,
                                                        user_id=a.id)) == "召集人"
    assert roster(db, old.assembly.id, NEW_TERM[0]) == []  # the old term's seats ended

    # --- a resident raises a topic; a member puts it on the convenor's meeting ---
    app.config["TODAY"] = date(2027, 3, 1)
    resident = live_in(db, make_user(Role.RESIDENT, name="提出人"))
    db.commit()
    as_user(client, login, resident)
    client.post(f"/resident/councils/{council.id}/topics/new", data={
        "title": "小区路灯坏了", "description": "3号楼到5号楼之间的路灯不亮，夜里出行不安全。",
        "category": "public_safety", "cycle_id": "0"})
    topic = db.scalar(select(Topic).filter_by(title="小区路灯坏了"))
    assert topic.state == "received"

    as_user(client, login, a)
    client.post(f"/delegate/councils/{council.id}/meetings/new", data={
        "held_on": "2027-03-10", "starts_at": "19:30", "place": "社区党群服务中心"})
    meeting = db.scalar(select(Meeting).where(Meeting.council_id == council.id))
    as_user(client, login, b)
    added = client.post(f"/delegate/council/meetings/{meeting.id}/agenda",
                        data={"topic_id": topic.id}, follow_redirects=True)
    assert flashes(added.text)[-1] == "The topic is on the agenda.", flashes(added.text)
    assert fresh(db, Topic, topic.id).state == "scheduled"
    as_user(client, login, outsider)
    client.post(f"/resident/council/meetings/{meeting.id}/comment", data={"body": "支持尽快修。"})
    assert "支持尽快修。" in client.get(f"/council-meetings/{meeting.id}").text

    # --- the meeting: no quorum, no vote; with quorum, members present vote ---
    app.config["TODAY"] = date(2027, 3, 10)
    as_user(client, login, a)
    desk = f"/delegate/council/meetings/{meeting.id}"
    client.post(f"{desk}/attendance", data={"present": [a.id]})
    item = db.scalar(select(AgendaItem).filter_by(meeting_id=meeting.id))
    refused = client.post(f"/delegate/council/agenda/{item.id}/motion",
                          data={"motion": "请物业更换路灯", "majority": "simple"},
                          follow_redirects=True)
    assert "No quorum: 1 members present, 2 needed" in refused.text
    assert fresh(db, AgendaItem, item.id).ballot_id is None
    client.post(f"{desk}/attendance", data={"present": [a.id, b.id]})
    client.post(f"/delegate/council/agenda/{item.id}/motion", data={
        "motion": "由议事会联系物业和供电公司，两周内修复路灯。", "majority": "simple"})
    motion = fresh(db, Ballot, fresh(db, AgendaItem, item.id).ballot_id)
    assert motion.status == "open" and motion.entitled == 2 and motion.subject_type == "motion"
    assert "Close the vote and count" in client.get(desk).text
    assert "Your ballot" in client.get(f"/delegate/ballots/{motion.id}").text
    yes = {f"option-{motion.options[0].id}": "yes"}
    for stranger in (c, make_user(Role.DELEGATE)):  # an absent member and a non-member
        as_user(client, login, stranger)
        refused = client.post(f"/delegate/ballots/{motion.id}/cast", data=yes,
                              follow_redirects=True)
        assert "You are not on this ballot&#39;s roster" in refused.text
    assert db.scalar(select(func.count()).select_from(VoterRecord)
                     .where(VoterRecord.ballot_id == motion.id)) == 0
    for member in (a, b):
        as_user(client, login, member)
        client.post(f"/delegate/ballots/{motion.id}/cast", data=yes)
    as_user(client, login, a)
    client.post(f"/delegate/council/agenda/{item.id}/close")
    assert fresh(db, AgendaItem, item.id).outcome == "carried"
    assert fresh(db, Ballot, motion.id).status == "published"
    assert fresh(db, Topic, topic.id).state == "decided"

    # --- action items: a member's and an outside party's; overdue ones are flagged ---
    client.post(f"/delegate/council/topics/{topic.id}/actions", data={
        "title": "联系供电公司检修线路", "assignee_id": "0", "outside_party": "供电公司",
        "due_on": "2027-03-15"})
    client.post(f"/delegate/council/topics/{topic.id}/actions", data={
        "title": "督促物业更换灯具", "assignee_id": b.id, "outside_party": "",
        "due_on": "2027-03-24"})
    assert fresh(db, Topic, topic.id).state == "in_progress"
    app.config["TODAY"] = date(2027, 3, 18)
    ledger = client.get(f"/councils/{council.id}/ledger").text
    assert 'class="overdue"' in ledger and "供电公司" in ledger
    refused = client.post(f"/delegate/council/topics/{topic.id}/report",
                          data={"result": "已修好"}, follow_redirects=True)
    assert "2 action items are still open" in refused.text
    power, estate = db.scalars(select(ActionItem).filter_by(topic_id=topic.id)
                               .order_by(ActionItem.id)).all()
    client.post(f"/delegate/council/actions/{power.id}/done", data={"outcome": "线路已检修"})
    as_user(client, login, b)
    client.post(f"/delegate/council/actions/{estate.id}/done", data={"outcome": "灯具已更换"})
    as_user(client, login, a)
    client.post(f"/delegate/council/topics/{topic.id}/report",
                data={"result": "供电线路已检修，12盏路灯全部更换。"})
    assert fresh(db, Topic, topic.id).state == "reported"

    # --- minutes: approved after the meeting; a later change needs a logged reason ---
    client.post(f"{desk}/minutes", data={"minutes": "出席2人，表决通过修复路灯的动议。"})
    client.post(f"{desk}/approve")
    assert fresh(db, Meeting, meeting.id).approved
    refused = client.post(f"{desk}/minutes", data={"minutes": "改过的纪要"},
                          follow_redirects=True)
    assert "Give the reason" in refused.text
    assert fresh(db, Meeting, meeting.id).minutes == "出席2人，表决通过修复路灯的动议。"
    client.post(f"{desk}/minutes", data={"minutes": "出席2人（缺席1人），表决通过修复路灯的动议。",
                                         "reason": "补记缺席人数"})
    revision = db.scalar(select(MinutesRevision).filter_by(meeting_id=meeting.id))
    assert revision.reason == "补记缺席人数" and revision.previous.startswith("出席2人，")
    assert "补记缺席人数" in client.get(f"/council-meetings/{meeting.id}").text

    # --- rating: dissatisfied reopens the topic onto the next meeting's agenda ---
    client.post(f"/delegate/councils/{council.id}/meetings/new", data={
        "held_on": "2027-04-10", "place": "社区党群服务中心"})
    as_user(client, login, resident)
    kinds = set(db.scalars(select(Notification.kind).filter_by(user_id=resident.id)))
    assert {"council_scheduled", "council_carried", "council_in_progress",
            "council_reported"} <= kinds
    assert "Rate how your topic was handled" in client.get(f"/council-topics/{topic.id}").text
    client.post(f"/resident/council/topics/{topic.id}/rate",
                data={"rating": "dissatisfied", "comment": "4号楼门口还是黑的。"})
    reopened = fresh(db, Topic, topic.id)
    assert reopened.state == "scheduled" and reopened.reopen_count == 1
    assert [e.event for e in reopened.events][-3:] == ["rate", "reopen", "schedule"]
    later = db.scalar(select(Meeting).filter_by(held_on=date(2027, 4, 10)))
    assert [i.topic_id for i in later.items] == [topic.id]
    assert db.scalar(select(TopicRating.rating).filter_by(topic_id=topic.id)) == "dissatisfied"

    # --- the public council page and the ledger downloads ---
    page = client.get(f"/councils/{council.id}").text
    assert "Topics by category" in page and "chart-topic-time-table" in page
    assert all(m.display_name in page for m in (a, b, c))
    body = client.get(f"/councils/{council.id}/ledger.csv").data
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][1] == "小区路灯坏了" and "供电公司" in rows[1][6] and rows[1][10]
    sheet = load_workbook(io.BytesIO(client.get(f"/councils/{council.id}/ledger.xlsx").data)).active
    assert sheet.cell(row=2, column=2).value == "小区路灯坏了"
