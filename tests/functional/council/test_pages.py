"""Council pages in English, the ledger's downloads, and the demo council end to end."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import app.models
from app.auth import passwords
from app.demo import seed as demo
from app.demo.council import TOPICS, seed_council
from app.demo.projects import DEMO_TODAY
from proposals.council import meetings
from proposals.council.ledger import council_satisfaction, csv_bytes, ledger
from proposals.council.models import Council, Meeting, Topic
from proposals.council.topics import raise_topic
from tests.functional.builders import live_in, seat_council
from votes.ballots import Ballot
from votes.bulletin import verify_ballot
from votes.people import Role


@pytest.fixture
def council(db, make_user, admin):
    return seat_council(db, make_user, admin, start=date(2026, 1, 1), end=date(2028, 12, 31))


def test_an_empty_council_page_reads_well_in_english(app, client, council):
    app.config["TODAY"] = date(2027, 3, 1)
    client.get("/lang/en")
    page = client.get(f"/councils/{council.council.id}").text
    assert "Members (3)" in page and "No meeting is planned." in page
    assert "No topic has been raised yet." in page and "(convenor)" in page
    assert "和平社区居民议事会" in client.get("/councils").text
    assert client.get(f"/councils/{council.council.id + 999}").status_code == 404


def test_the_council_desk_lists_the_ballots_open_to_the_member(
        app, client, db, login, council, official, make_user):
    from votes.casting import cast_ballot, create_ballot, open_ballot
    from votes.rules import BallotRules

    app.config["TODAY"] = date(2027, 3, 1)
    ballot = create_ballot(db, official, council.assembly, "motion", None,
                           "议事会表决：公共收益使用", BallotRules(seats=1), [{"title": "同意"}])
    open_ballot(db, official, ballot, on=date(2027, 3, 1), voters=council.members[:2])
    db.commit()
    client.get("/lang/en")
    login(council.members[1])
    desk = client.get("/delegate/council").text
    assert "Voting open to you" in desk and "议事会表决：公共收益使用" in desk
    assert f'href="/delegate/ballots/{ballot.id}"' in desk and "You have voted" not in desk
    cast_ballot(db, ballot.id, council.members[1], {ballot.options[0].id: "yes"})
    db.commit()
    assert "You have voted" in client.get("/delegate/council").text
    client.post("/account/logout")
    login(council.members[2])  # a member not on this ballot's roster is not offered it
    assert "议事会表决：公共收益使用" not in client.get("/delegate/council").text


def test_members_and_residents_find_their_desks(app, client, db, login, council, make_user):
    app.config["TODAY"] = date(2027, 3, 1)
    client.get("/lang/en")
    login(council.convenor)
    desk = client.get("/delegate/council").text
    assert "Plan a meeting" in desk and council.council.name in desk
    client.post("/account/logout")
    login(make_user(Role.DELEGATE))
    assert "You do not sit on a resident council" in client.get("/delegate/council").text
    refused = client.post(f"/delegate/councils/{council.council.id}/meetings/new", data={
        "held_on": "2027-03-10", "place": "活动室"}, follow_redirects=True)
    assert "Only the council" in refused.text
    assert db.scalar(select(Meeting.id)) is None
    client.post("/account/logout")
    resident = live_in(db, make_user(Role.RESIDENT))
    db.commit()
    login(resident)
    form = client.get(f"/resident/councils/{council.council.id}/topics/new").text
    assert "Raise a topic with" in form and "Any time" in form
    client.post(f"/resident/councils/{council.council.id}/topics/new", data={
        "title": "", "description": "x", "category": "other", "cycle_id": "0"})
    assert db.scalar(select(Topic.id)) is None


def test_ledger_cells_that_look_like_formulas_are_defused(db, council, make_user):
    resident = live_in(db, make_user(Role.RESIDENT))
    raise_topic(db, resident, council.council, title="=HYPERLINK(\"http://x\")",
                description="-1+1", category="other", today=date(2027, 3, 1))
    rows = ledger(db, council.council, date(2027, 3, 2))
    body = csv_bytes(["title"], [[rows[0].title]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1] == ["'=HYPERLINK(\"http://x\")"]


def test_the_ledger_page_and_downloads_in_english(app, client, db, council, make_user):
    app.config["TODAY"] = date(2027, 3, 2)
    raiser = live_in(db, make_user(Role.RESIDENT))
    raise_topic(db, raiser, council.council, title="楼道灯坏", description="暗",
                category="public_safety", today=date(2027, 3, 1))
    db.commit()
    client.get("/lang/en")
    page = client.get(f"/councils/{council.council.id}/ledger").text
    assert "Council ledger" in page and "楼道灯坏" in page and "Received" in page
    rows = list(csv.reader(io.StringIO(
        client.get(f"/councils/{council.council.id}/ledger.csv").data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Topic", "Category"] and rows[1][2] == "Public safety"


@pytest.fixture(scope="module")
def demo_session():
    passwords.use_light_parameters()
    engine = create_engine("sqlite://")
    app.models.metadata.create_all(engine)
    session = Session(engine)
    summary = demo.seed(session, password="demo-pass-2027")  # plays the council too
    made = int(re.search(r"(\d+) council steps", summary).group(1))
    session.commit()
    yield session, made
    session.close()


def test_the_demo_council_plays_its_autumn_and_a_second_run_adds_nothing(demo_session):
    session, made = demo_session
    assert made == len(TOPICS) and seed_council(session, DEMO_TODAY) == 0
    council = session.scalar(select(Council).filter_by(name="和平社区居民议事会"))
    states = {r.title: (r.state, r.overdue) for r in ledger(session, council, DEMO_TODAY)}
    assert states["3号楼至5号楼路灯不亮"] == ("closed", False)
    assert states["电动自行车充电桩不够用"] == ("in_progress", True)
    assert states["中心花园健身器材损坏"][0] == "in_progress"
    assert states["老年活动室开放时间太短"][0] == "received"
    assert council_satisfaction(session, council).percent == 66
    upcoming = meetings.next_meeting(session, council, DEMO_TODAY)
    assert upcoming.held_on == date(2026, 12, 8) and len(upcoming.items) == 2


def test_every_demo_motion_verifies_end_to_end(demo_session):
    session, _ = demo_session
    motions = session.scalars(select(Ballot).where(Ballot.subject_type == "motion")).all()
    assert len(motions) == 6  # six motions voted, one item deferred
    for ballot in motions:
        report = verify_ballot(session, ballot.id)
        assert report.ok, report.problems
