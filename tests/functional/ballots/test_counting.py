"""Counting a ballot through the services: closing, ties and run-offs, paper totals, publishing."""

from __future__ import annotations

import json

from sqlalchemy import select

from tests.functional.builders import (
    VOTING_DAY,
    cast_all,
    new_ballot,
    option_ids,
    refused,
    seat_delegates,
    tellers_for,
    unlock_all,
)
from votes import ledger
from votes.ballots import Ballot, BallotResolution, BallotRosterEntry, PaperTotal
from votes.bulletin import find_by_tracker
from votes.casting import cast_ballot, create_ballot, open_ballot
from votes.closing import (
    ballot_result,
    close_ballot,
    enter_paper_totals,
    publish_ballot,
    resolve_tie,
    start_runoff,
)
from votes.rules import BallotRules, Method

# --- closing and counting -------------------------------------------------------------------


def test_closing_counts_the_ballots_and_stores_the_result(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=2))
    a, b, c = option_ids(ballot)
    marks = [{a: "yes", b: "yes"}, {a: "yes", b: "no"}, {a: "yes", b: "yes", c: "no"},
             {a: "no", c: "abstain"}, {a: "yes", b: "yes", c: "yes"}]
    cast_all(db, ballot, delegates, lambda i: marks[i])
    result = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    rows = {r["id"]: (r["yes"], r["no"], r["abstain"], r["status"]) for r in result["rows"]}
    assert rows == {a: (4, 1, 0, "adopted"), b: (3, 1, 1, "adopted"), c: (1, 1, 3, "failed")}
    assert result["adopted"] == [a, b] and result["valid"]
    assert ballot.status == "closed" and ballot.ballots_cast == 5
    assert ballot_result(db, ballot) == result
    closed = ledger.entries(db, ballot.id)[-1]
    assert closed["kind"] == "closed"
    assert closed["payload"]["result_hash"] == ledger.sha256_hex(ledger.canonical_json(result))
    refused("not_open", close_ballot, db, official, ballot)


def test_without_quorum_nothing_is_adopted_and_the_result_says_why(db, official, admin, assembly,
                                                                   make_user):
    people = seat_delegates(db, assembly, admin, make_user, 10)
    ballot = new_ballot(db, official, assembly, rules=BallotRules(threshold_base="cast"))
    ids = option_ids(ballot)
    cast_all(db, ballot, people[:4], lambda i: dict.fromkeys(ids, "yes"))
    result = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert (result["valid"], result["reason"], result["adopted"]) == (False, "quorum_not_met", [])
    assert {r["status"] for r in result["rows"]} == {"failed"}


def test_a_tie_at_the_cut_off_waits_for_a_runoff_among_the_tied(db, official, assembly,
                                                                delegates):
    rules = BallotRules(method=Method.Y, seats=2, max_selections=3, threshold_base="cast")
    ballot = new_ballot(db, official, assembly, rules=rules, options=4, costs=[10, 20, 30, 40])
    a, b, c, d = option_ids(ballot)
    marks = [{a: "yes", b: "yes", c: "yes"}] * 3 + [{a: "yes"}, {a: "yes", d: "yes"}]
    cast_all(db, ballot, delegates, lambda i: marks[i])
    result = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert result["adopted"] == [a] and result["tie_pending"] == [b, c]
    runoff = start_runoff(db, official, ballot)
    assert (runoff.status, runoff.subject_type, runoff.subject_id) == ("draft", "runoff",
                                                                      ballot.id)
    assert [(o.title, o.cost, o.ref_id) for o in runoff.options] == [
        ("民生项目2", 20, 101), ("民生项目3", 30, 102)]
    assert (runoff.rules.seats, runoff.rules.max_selections, runoff.rules.method) == (1, 1, "Y")
    link = db.scalar(select(BallotResolution).where(BallotResolution.ballot_id == ballot.id))
    assert (link.kind, link.runoff_ballot_id) == ("runoff", runoff.id)
    assert ledger.entries(db, ballot.id)[-1]["kind"] == "runoff_started"
    refused("already_resolved", resolve_tie, db, official, ballot, [b], "抽签")
    # the run-off is a ballot like any other
    open_ballot(db, official, runoff, on=VOTING_DAY, tellers=tellers_for(db, runoff))


def test_a_tie_may_be_resolved_lawfully_with_a_reason(db, official, assembly, delegates):
    rules = BallotRules(method=Method.Y, seats=1, threshold_base="cast")
    ballot = new_ballot(db, official, assembly, rules=rules, options=2)
    a, b = option_ids(ballot)
    cast_all(db, ballot, delegates[:4], lambda i: {a: "yes", b: "yes"} if i < 3 else {})
    counted = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert counted["tie_pending"] == [a, b]
    refused("reason_required", resolve_tie, db, official, ballot, [a], "  ")
    refused("too_many_adopted", resolve_tie, db, official, ballot, [a, b], "都要")
    refused("forbidden", resolve_tie, db, delegates[0], ballot, [a], "我说了算")
    resolution = resolve_tie(db, official, ballot, [b], "依主任会议决定，按先提出者确定")
    assert json.loads(resolution.adopted_json) == [b]
    logged = ledger.entries(db, ballot.id)[-1]
    assert logged["kind"] == "tie_resolved" and logged["payload"]["adopted"] == [b]


def test_no_tie_no_runoff(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates, lambda i: {})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    refused("no_tie", start_runoff, db, official, ballot)


# --- paper ballots --------------------------------------------------------------------------


def test_paper_totals_are_checked_and_recorded(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=1))
    a, b, c = option_ids(ballot)
    totals = {a: (4, 0, 0), b: (1, 2, 1), str(c): (0, 0, 4)}
    refused("more_ballots_than_voters", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=6, present=5)
    refused("more_ballots_than_present", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=4, present=3)
    refused("present_exceeds_roster", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=4, present=6)
    error = refused("invalid_totals", enter_paper_totals, db, official, ballot,
                    {a: (5, 0, 0), b: (0, 0, 0), c: (0, 0, 0)}, ballots_cast=4, present=4)
    assert "exceed" in error.params["detail"]
    refused("forbidden", enter_paper_totals, db, delegates[0], ballot, totals, ballots_cast=4,
            present=4)
    result = enter_paper_totals(db, official, ballot, totals, ballots_cast=4, present=5)
    assert (ballot.mode, ballot.status, ballot.ballots_cast, ballot.present) == (
        "paper", "closed", 4, 5)
    assert result["adopted"] == [a]
    stored = {t.option_id: (t.yes, t.no, t.abstain) for t in db.scalars(
        select(PaperTotal).where(PaperTotal.ballot_id == ballot.id))}
    assert stored == {a: (4, 0, 0), b: (1, 2, 1), c: (0, 0, 4)}
    assert ledger.entries(db, ballot.id)[-1]["payload"]["totals"][str(a)] == [4, 0, 0]


def test_paper_totals_cannot_replace_electronic_ballots(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    cast_ballot(db, ballot.id, delegates[0], {})
    refused("electronic_ballots_cast", enter_paper_totals, db, official, ballot,
            dict.fromkeys(option_ids(ballot), (0, 0, 1)), ballots_cast=1, present=1)


# --- publication ----------------------------------------------------------------------------


def test_publishing_seals_the_bulletin_and_a_delegate_finds_their_ballot(db, official, assembly,
                                                                         delegates):
    ballot = new_ballot(db, official, assembly)
    ids = option_ids(ballot)
    trackers = cast_all(db, ballot, delegates, lambda i: {ids[i % 3]: "yes"})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    refused("not_published", find_by_tracker, db, ballot.id, trackers[0])
    stored = publish_ballot(db, official, ballot)
    db.commit()
    assert ballot.status == "published"
    sealed = ledger.entries(db, ballot.id)[-1]
    assert sealed["kind"] == "published"
    assert sealed["payload"]["bulletin_digest"] == ledger.sha256_hex(stored.bulletin_json)
    mine = find_by_tracker(db, ballot.id, trackers[3].lower())
    assert mine["tracker"] == trackers[3] and mine["choices"] == {str(ids[0]): "yes"}
    assert find_by_tracker(db, ballot.id, "0000-0000-00") is None
    refused("not_closed", publish_ballot, db, official, ballot)
    assert db.get(Ballot, ballot.id).published_at is not None


def test_a_runoff_is_put_to_the_same_electorate_as_the_ballot_it_settles(
    db, official, assembly, make_user
):
    """An election's voters are residents, not the assembly's delegates: the run-off keeps
    the original roster, so a tie in a council election can go to a second round."""
    residents = [make_user(name=f"居民{i}") for i in range(4)]
    rules = BallotRules(seats=1, threshold_base="yes_no")
    ballot = new_ballot(db, official, assembly, rules=rules, options=2, opened=False)
    open_ballot(db, official, ballot, on=VOTING_DAY, voters=residents,
                tellers=tellers_for(db, ballot))
    db.commit()
    a, b = option_ids(ballot)
    cast_all(db, ballot, residents, lambda i: {a: "yes", b: "yes"} if i < 2 else {})
    counted = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert counted["tie_pending"] == [a, b]
    runoff = start_runoff(db, official, ballot)
    # no voters given
    open_ballot(db, official, runoff, on=VOTING_DAY, tellers=tellers_for(db, runoff))
    db.commit()
    on_roster = set(db.scalars(select(BallotRosterEntry.user_id).where(
        BallotRosterEntry.ballot_id == runoff.id)))
    assert on_roster == {r.id for r in residents} and runoff.entitled == 4


def test_a_named_teller_runs_their_ballot_and_nobody_else_without_the_official_role(
    db, official, assembly, delegates, make_user
):
    convenor, other = delegates[0], delegates[1]
    refused("forbidden", create_ballot, db, other, assembly, "motion", 1, "动议",
            BallotRules(), [{"title": "同意"}], teller=convenor)
    ballot = create_ballot(db, convenor, assembly, "motion", 1, "动议", BallotRules(),
                           [{"title": "同意"}], teller=convenor)
    assert ballot.teller_id == convenor.id
    assert ledger.entries(db, ballot.id)[0]["payload"]["teller_id"] == convenor.id
    refused("forbidden", open_ballot, db, other, ballot, on=VOTING_DAY)
    open_ballot(db, convenor, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    cast_all(db, ballot, delegates[:3], lambda i: {ballot.options[0].id: "yes"})
    refused("forbidden", close_ballot, db, other, ballot)
    assert close_ballot(db, convenor, ballot, unlock=unlock_all(db, ballot))["ballots_cast"] == 3
    assert not other.has_role("official") and not convenor.has_role("official")
