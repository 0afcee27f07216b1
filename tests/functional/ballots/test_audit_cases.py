"""The audit's cases: for each, the published bulletin, an independent recount from it, and the
standalone verifier agree, and the outcome is the one the rules prescribe.

A ballot is written as one string per voter, one letter per option: y(es), n(o), or - (left
blank: abstain under YNA and YN, not ticked under approval).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.builders import new_ballot, option_ids, seat_delegates, unlock_all
from votes.bulletin import check_bulletin, published_bulletin, verify_ballot
from votes.casting import cast_ballot, check_in
from votes.closing import close_ballot, enter_paper_totals, publish_ballot
from votes.rules import BallotRules

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_bulletin.py"
_spec = importlib.util.spec_from_file_location("verify_bulletin", SCRIPT)
standalone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standalone)
MARK = {"y": "yes", "n": "no"}


@pytest.fixture
def vote(db, official, admin, assembly, make_user, tmp_path):
    """vote(rules, ballots, roster=, present=, costs=, paper=) -> (result, option ids, doc).

    The first `present` delegates check in first (the voters are the first ones too); `paper`
    is instead ([(yes, no, abstain) per option], ballots_cast, present in the hall).
    """
    def run(rules, ballots=(), *, roster, present=0, costs=None, options=None, paper=None):
        people = seat_delegates(db, assembly, admin, make_user, roster)
        count = options or (len(costs) if costs else len(ballots[0]) if ballots else 3)
        ballot = new_ballot(db, official, assembly, rules=rules, options=count, costs=costs)
        ids = option_ids(ballot)
        for person in people[:present]:
            check_in(db, official, ballot, delegate=person)
        if paper is not None:
            totals, cast, hall = paper
            enter_paper_totals(db, official, ballot, dict(zip(ids, totals, strict=True)),
                               ballots_cast=cast, present=hall)
        else:
            for person, marks in zip(people, ballots, strict=False):
                cast_ballot(db, ballot.id, person, {i: MARK[m] for i, m in
                                                    zip(ids, marks, strict=True) if m in MARK})
                db.commit()
            close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
        stored = publish_ballot(db, official, ballot)
        db.commit()
        doc = json.loads(published_bulletin(db, ballot.id))
        agree(doc, stored.bulletin_digest, tmp_path)
        assert verify_ballot(db, ballot.id).ok
        if ballots:
            assert hand_count(doc) == {r["id"]: (r["yes"], r["no"], r["abstain"])
                                       for r in doc["result"]["rows"]}
        return doc["result"], ids, doc
    return run


def agree(doc, sealed, tmp_path):
    """The project's check, the standalone recount and the standalone script all agree."""
    assert check_bulletin(doc) == []
    assert standalone.verify(doc) == []
    assert standalone.recount(json.loads(json.dumps(doc))) == doc["result"]
    path = tmp_path / "bulletin.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    checked = subprocess.run(  # noqa: S603
        [sys.executable, "-I", str(SCRIPT), str(path), "--digest", sealed],
        capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"adopted {doc['result']['adopted']}" in checked.stdout


def hand_count(doc):
    """A third count, the dumbest possible, straight from the published ballots."""
    blank = None if doc["rules"]["method"] == "Y" else "abstain"
    counts = {}
    for c in doc["candidates"]:
        marks = [b["choices"].get(str(c["id"]), blank) for b in doc["ballots"]]
        counts[c["id"]] = (marks.count("yes"), marks.count("no"), marks.count("abstain"))
    return counts


def statuses(result):
    return [r["status"] for r in result["rows"]]


# --- majorities at their boundary --------------------------------------------------------------


def test_exactly_half_is_not_a_simple_majority(vote):
    # 10 entitled: 5 yes is half and fails, 6 beats it.
    ballots = ["yy"] * 5 + ["ny"] + ["n-"] * 4
    result, (a, b), _ = vote(BallotRules(seats=2), ballots, roster=10)
    assert [(r["yes"], r["needed"], r["passed"]) for r in result["rows"]] == [
        (5, 6, False), (6, 6, True)]
    assert result["adopted"] == [b]


def test_a_tie_of_yes_and_no_fails_on_the_yes_no_base(vote):
    result, (a, b), _ = vote(BallotRules(seats=2, threshold_base="yes_no"),
                             ["yy", "yy", "ny", "n-", "--"], roster=5)
    assert [(r["yes"], r["no"], r["passed"]) for r in result["rows"]] == [(2, 2, False),
                                                                            (3, 0, True)]
    assert result["adopted"] == [b]


@pytest.mark.parametrize(("majority", "voters", "yes_a", "yes_b"),
                         [("two_thirds", 9, 6, 5), ("three_quarters", 8, 6, 5)])
def test_two_thirds_and_three_quarters_are_reached_at_the_boundary(vote, majority, voters,
                                                                   yes_a, yes_b):
    ballots = [("y" if i < yes_a else "n") + ("y" if i < yes_b else "n") for i in range(voters)]
    result, (a, b), _ = vote(BallotRules(seats=2, majority=majority, threshold_base="cast"),
                             ballots, roster=voters + 1)
    assert [(r["yes"], r["base"], r["needed"], r["passed"]) for r in result["rows"]] == [
        (yes_a, voters, 6, True), (yes_b, voters, 6, False)]
    assert result["adopted"] == [a]


# --- every threshold base, quorum ---------------------------------------------------------------

# 10 on the roster, 8 checked in, 6 voted. A: 4 yes, 1 no, 1 blank; B: 3 yes, 3 blank.
BASES = {"entitled": ((10, 6, False), (10, 6, False), []),
         "present": ((8, 5, False), (8, 5, False), []),
         "cast": ((6, 4, True), (6, 4, False), ["a"]),
         "yes_no": ((5, 3, True), (3, 2, True), ["a", "b"])}


@pytest.mark.parametrize("base", sorted(BASES))
def test_every_threshold_base(vote, base):
    row_a, row_b, adopted = BASES[base]
    result, (a, b), _ = vote(BallotRules(seats=2, threshold_base=base),
                             ["yy", "yy", "yy", "y-", "n-", "--"], roster=10, present=8)
    assert (result["entitled"], result["present"], result["ballots_cast"]) == (10, 8, 6)
    assert [(r["base"], r["needed"], r["passed"]) for r in result["rows"]] == [row_a, row_b]
    assert result["adopted"] == [{"a": a, "b": b}[x] for x in adopted]


@pytest.mark.parametrize(("voters", "valid"), [(6, True), (5, False)])
def test_quorum_met_and_missed(vote, voters, valid):
    # Two thirds of 9 must vote: 6 do (18 >= 18), or 5 do (15 < 18).
    result, (a,), _ = vote(BallotRules(quorum_num=2, quorum_den=3, threshold_base="cast"),
                           ["y"] * voters, roster=9, options=1)
    assert (result["valid"], result["reason"]) == (valid, None if valid else "quorum_not_met")
    assert result["adopted"] == ([a] if valid else [])
    assert statuses(result) == ["adopted" if valid else "failed"]


# --- selection: ties, budget ---------------------------------------------------------------------


def test_a_tie_at_the_cut_off_is_pending_not_broken(vote):
    result, (a, b, c), _ = vote(BallotRules(seats=1, threshold_base="cast"),
                                ["yyy", "yyn", "yyn", "yyn", "nn-", "nn-"], roster=6)
    assert result["adopted"] == [] and result["tie_pending"] == [a, b]
    assert statuses(result) == ["tie_pending", "tie_pending", "failed"]


def test_a_tie_below_the_cut_off_is_harmless(vote):
    result, (a, b, c), _ = vote(BallotRules(seats=1, threshold_base="cast"),
                                ["yyy", "yyy", "yyy", "yyy", "ynn", "n--"], roster=6)
    assert result["adopted"] == [a] and result["tie_pending"] == []
    assert statuses(result) == ["adopted", "passed_not_adopted", "passed_not_adopted"]
    assert [r["rank"] for r in result["rows"]] == [1, 2, 2]


def test_what_the_budget_cannot_afford_is_skipped_and_the_next_adopted(vote):
    result, (a, b, c), _ = vote(BallotRules(seats=3, budget_cap=900, threshold_base="cast"),
                                ["yyy", "yyy", "yyy", "yyy", "yy-", "y--"], roster=6,
                                costs=[500, 600, 300])
    assert statuses(result) == ["adopted", "skipped_budget", "adopted"]
    assert result["adopted"] == [a, c] and result["total_adopted_cost"] == 800


# --- methods, paper, roll call -------------------------------------------------------------------


def test_approval_ballots_count_ticks_only(vote):
    rules = BallotRules(method="Y", seats=2, max_selections=2, threshold_base="cast")
    result, (a, b, c), doc = vote(rules, ["yy-", "y-y", "y-y", "yy-", "y-y", "-yy"], roster=7)
    assert [(r["yes"], r["no"], r["abstain"]) for r in result["rows"]] == [
        (5, 0, 0), (3, 0, 0), (4, 0, 0)]
    assert result["adopted"] == [a, c] and statuses(result)[1] == "failed"
    assert all(set(b["choices"].values()) == {"yes"} for b in doc["ballots"])


def test_yes_no_ballots_count_a_blank_as_abstaining(vote):
    rules = BallotRules(method="YN", seats=2, threshold_base="yes_no")
    result, (a, b, c), _ = vote(rules, ["yyy", "yn-", "yn-", "ny-", "-n-", "---"], roster=6)
    assert [(r["yes"], r["no"], r["abstain"], r["passed"]) for r in result["rows"]] == [
        (3, 1, 2, True), (2, 3, 1, False), (1, 0, 5, True)]
    assert result["adopted"] == [a, c]


def test_paper_totals_are_published_and_counted(vote):
    result, (a, b, c), doc = vote(BallotRules(seats=2), roster=9,
                                  paper=([(6, 2, 1), (4, 4, 1), (5, 0, 4)], 9, 9))
    assert doc["paper_totals"] == {str(a): [6, 2, 1], str(b): [4, 4, 1], str(c): [5, 0, 4]}
    assert doc["ballots"] == [] and doc["ledger"][-1]["payload"]["totals"] == doc["paper_totals"]
    assert [(r["needed"], r["passed"]) for r in result["rows"]] == [(5, True), (5, False),
                                                                     (5, True)]
    assert result["adopted"] == [a, c]


def test_a_roll_call_names_each_vote_and_the_ledger_pins_it(vote):
    ballots = ["yn", "yy", "ny", "y-", "--"]
    result, (a, b), doc = vote(BallotRules(secret=False, threshold_base="cast"), ballots,
                               roster=6)
    named = [(v["name"], v["choices"]) for v in doc["roll_call"]]
    assert named == [(f"代表{i:02d}", {str(o): MARK[m] for o, m in zip((a, b), marks,
                                                                     strict=True) if m in MARK})
                     for i, marks in enumerate(ballots)]
    closed = next(e["payload"] for e in doc["ledger"] if e["kind"] == "closed")
    assert closed["roll_call_hash"] == standalone.sha256(standalone.canonical(
        {str(v["id"]): v["choices"] for v in doc["roll_call"]}))
    assert result["adopted"] == [a]
