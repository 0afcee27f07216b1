"""Fixtures of the ballot's web tests that several modules share."""

from datetime import date

import pytest

from proposals.cycles.services import advance_cycle
from proposals.shortlist import services as shortlist
from votes.people import Role, add_member


@pytest.fixture
def shortlisted(db, cycle, admin, official, make_user, assembly, propose):
    """A cycle in its ballot stage, three candidates on its submitted shortlist, five
    delegates seated; returns the delegates."""
    delegates = []
    for i in range(5):
        delegate = make_user(Role.DELEGATE, name=f"代表{i + 1}")
        add_member(db, assembly, delegate, admin, joined_on=date(2024, 1, 1))
        delegates.append(delegate)
    proposer = make_user(Role.RESIDENT, name="提议人")
    advance_cycle(db, cycle, admin, "shortlist", check_work=False)
    db.commit()
    for i, title in enumerate(["加装电梯", "社区食堂", "口袋公园"]):
        cycle.stage = "collection"  # proposals are made in collection; keep the test short
        proposal = propose(proposer, title=title)
        cycle.stage = "shortlist"
        shortlist.create_candidate(db, official, cycle, shortlist.CandidateDraft(
            title=title, description=f"{title}项目", responsible_unit="区住建委",
            estimated_cost=(i + 1) * 1_000_000, funding_source="区级财政",
            expected_completion=date(2027, 10, 1), location="和平社区"), [proposal.id])
    shortlist.set_frame(db, official, cycle, budget=5_000_000, seats=2)
    shortlist.submit_shortlist(db, official, cycle)
    advance_cycle(db, cycle, admin, "ballot")
    db.commit()
    return delegates


@pytest.fixture
def english(client):
    """Pages in English: the words of #15 are checked in the catalog's source language."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
