"""Who counts: paper totals and settling a tie are the named teller's alone, never a voter's."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from tests.functional.builders import (
    VOTING_DAY,
    cast_all,
    new_ballot,
    option_ids,
    refused,
    tellers_for,
    unlock_all,
)
from votes.ballots import Ballot, BallotResolution, PaperTotal
from votes.casting import create_ballot, open_ballot
from votes.closing import close_ballot, enter_paper_totals, resolve_tie, start_runoff
from votes.people import Role, add_member
from votes.rules import BallotRules, Method

TIE_RULES = BallotRules(method=Method.Y, seats=1, threshold_base="cast")


def told(error, why: str) -> None:
    assert error.params.get("why") == why, error.params


def teller_ballot(db, assembly, teller, rules=None, options=("同意", "暂缓")):
    """A motion whose teller is named (a council's convenor, say), open."""
    ballot = create_ballot(db, teller, assembly, "motion", 1, "动议", rules or BallotRules(),
                           [{"title": t} for t in options], teller=teller)
    open_ballot(db, teller, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    return ballot


@pytest.fixture
def seated_official(db, admin, assembly, make_user):
    """An official who is also seated in the assembly, so on a cycle ballot's roster."""
    person = make_user(Role.OFFICIAL, Role.DELEGATE, name="兼任代表的干部")
    add_member(db, assembly, person, admin, joined_on=date(2024, 1, 1))
    db.commit()
    return person


def test_where_a_teller_is_named_another_official_does_not_enter_the_paper_count(
        db, official, assembly, delegates):
    ballot = teller_ballot(db, assembly, delegates[0])
    yes, later = option_ids(ballot)
    totals = {yes: (4, 1, 0), later: (1, 4, 0)}
    told(refused("forbidden", enter_paper_totals, db, official, ballot, totals,
                 ballots_cast=5, present=5), "not_the_teller")
    assert db.scalar(select(PaperTotal)) is None
    result = enter_paper_totals(db, delegates[0], ballot, totals, ballots_cast=5, present=5)
    assert result["adopted"] == [yes] and ballot.mode == "paper"


def test_where_a_teller_is_named_another_official_does_not_settle_its_tie(
        db, official, assembly, delegates):
    teller = delegates[0]
    ballot = teller_ballot(db, assembly, teller, rules=TIE_RULES)
    a, b = option_ids(ballot)
    cast_all(db, ballot, delegates[:4], lambda i: {a: "yes", b: "yes"} if i < 3 else {})
    assert close_ballot(db, teller, ballot, unlock=unlock_all(db, ballot))["tie_pending"] == [a, b]
    told(refused("forbidden", resolve_tie, db, official, ballot, [a], "主任会议决定"),
         "not_the_teller")
    told(refused("forbidden", start_runoff, db, official, ballot), "not_the_teller")
    assert db.scalar(select(BallotResolution)) is None
    resolution = resolve_tie(db, teller, ballot, [a], "依议事规则，由召集人主持抽签确定")
    assert json.loads(resolution.adopted_json) == [a] and resolution.actor_id == teller.id


def test_an_official_on_a_cycle_ballots_roster_does_not_count_it(
        db, official, assembly, delegates, seated_official):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=1))
    assert ballot.entitled == len(delegates) + 1  # the seated official votes in it
    a, b, c = option_ids(ballot)
    totals = {a: (5, 0, 1), b: (1, 4, 1), c: (0, 0, 6)}
    told(refused("forbidden", enter_paper_totals, db, seated_official, ballot, totals,
                 ballots_cast=6, present=6), "teller_on_roster")
    assert enter_paper_totals(db, official, ballot, totals, ballots_cast=6,
                              present=6)["adopted"] == [a]


def test_an_official_on_a_cycle_ballots_roster_does_not_settle_its_tie(
        db, official, assembly, delegates, seated_official):
    ballot = new_ballot(db, official, assembly, rules=TIE_RULES, options=2)
    a, b = option_ids(ballot)
    cast_all(db, ballot, delegates[:4], lambda i: {a: "yes", b: "yes"} if i < 3 else {})
    counted = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert counted["tie_pending"] == [a, b]
    told(refused("forbidden", resolve_tie, db, seated_official, ballot, [b], "我来定"),
         "teller_on_roster")
    told(refused("forbidden", start_runoff, db, seated_official, ballot), "teller_on_roster")
    assert start_runoff(db, official, ballot).subject_type == "runoff"


def test_a_delegate_on_the_roster_is_never_a_cycle_ballots_teller(
        db, official, assembly, delegates):
    ballot = create_ballot(db, official, assembly, "cycle", 7, "2027年度民生实事项目票决",
                           BallotRules(), [{"title": "民生项目1"}], teller=delegates[0])
    told(refused("forbidden", open_ballot, db, official, ballot, on=VOTING_DAY),
         "teller_on_roster")
    assert db.get(Ballot, ballot.id).status == "draft"


def test_someone_neither_official_nor_teller_counts_nothing(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=1))
    a, b, c = option_ids(ballot)
    told(refused("forbidden", enter_paper_totals, db, delegates[0], ballot,
                 {a: (1, 0, 0), b: (0, 1, 0), c: (0, 0, 1)}, ballots_cast=1, present=1),
         "not_an_official")


def test_the_paper_page_tells_an_official_who_is_not_the_teller_and_refuses_the_count(
        client, db, login, official, assembly, delegates):
    ballot = teller_ballot(db, assembly, delegates[0])
    login(official)
    client.get("/lang/en")
    page = client.get(f"/official/ballots/{ballot.id}/paper").text
    assert "You are not allowed to do this." in page
    data = {"ballots_cast": "5", "present": "5"}
    for option in ballot.options:
        data.update({f"yes-{option.id}": "3", f"no-{option.id}": "2", f"abstain-{option.id}": "0"})
    answer = client.post(f"/official/ballots/{ballot.id}/paper", data=data)
    assert answer.status_code == 200 and "You are not allowed to do this." in answer.text
    db.expire_all()
    assert db.get(Ballot, ballot.id).status == "open" and db.scalar(select(PaperTotal)) is None


def test_the_desk_offers_the_tie_only_to_whoever_may_settle_it(
        client, db, login, official, assembly, delegates):
    teller = delegates[0]
    ballot = teller_ballot(db, assembly, teller, rules=TIE_RULES)
    a, b = option_ids(ballot)
    cast_all(db, ballot, delegates[:4], lambda i: {a: "yes", b: "yes"} if i < 3 else {})
    close_ballot(db, teller, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    login(official)
    client.get("/lang/en")
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert "Tie at the cut-off" in desk and 'id="settle-refusal"' in desk
    assert "Record the resolution" not in desk and "Draft a run-off ballot" not in desk
