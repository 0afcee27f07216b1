"""Unit tests of a mixed ballot's count: electronic ballots and paper totals, then the sum."""

from __future__ import annotations

import itertools

import pytest

from tests.unit.votes.rules_builders import ADOPTED, FAILED, TIE, ballots_for, statuses
from votes.mixed_tally import tally_mixed
from votes.rules import (
    ABSTAIN,
    NO,
    YES,
    BallotRules,
    CandidateInput,
    InvalidBallot,
    Method,
    ThresholdBase,
    tally,
    tally_from_totals,
)

CANDIDATES = [CandidateInput("a", 10), CandidateInput("b", 20)]
ZERO = {"a": (0, 0, 0), "b": (0, 0, 0)}


def test_the_sum_of_both_parts_is_counted():
    rules = BallotRules(seats=1)
    ballots = ballots_for({"a": (3, 1, 0), "b": (1, 3, 0)})
    counted = tally_mixed(rules, CANDIDATES, ballots, {"a": (2, 1, 1), "b": (3, 0, 0)}, 5,
                          entitled=10, present=9, paper_issued=5)
    assert counted.electronic == (("a", (3, 1, 0)), ("b", (1, 3, 0)))
    assert counted.paper == (("a", (2, 1, 1)), ("b", (3, 0, 0)))
    assert (counted.electronic_ballots, counted.paper_ballots) == (4, 5)
    result = counted.result
    assert result.ballots_cast == 9 and result.valid
    assert [(r.yes, r.no, r.abstain) for r in result.rows] == [(5, 2, 1), (4, 3, 0)]
    assert result.adopted == () and statuses(result) == {"a": FAILED, "b": FAILED}  # 5 of 10


def test_all_electronic_is_the_electronic_tally():
    rules = BallotRules(seats=1, threshold_base=ThresholdBase.CAST)
    ballots = ballots_for({"a": (4, 1, 0), "b": (2, 2, 1)})
    counted = tally_mixed(rules, CANDIDATES, ballots, ZERO, 0, entitled=6, present=5,
                          paper_issued=0)
    assert counted.result == tally(rules, CANDIDATES, ballots, 6, 5)
    assert counted.paper == (("a", (0, 0, 0)), ("b", (0, 0, 0)))


def test_all_paper_is_the_paper_tally():
    rules = BallotRules(seats=1, threshold_base=ThresholdBase.PRESENT)
    paper = {"a": (4, 1, 0), "b": (2, 2, 0)}  # one ballot left b blank: spoilt marks
    counted = tally_mixed(rules, CANDIDATES, [], paper, 5, entitled=6, present=5,
                          paper_issued=6)
    assert counted.result == tally_from_totals(rules, CANDIDATES, paper, 5, 6, 5)
    assert counted.electronic_ballots == 0
    assert counted.result.adopted == ("a",)


def test_a_tie_the_sum_creates_is_pending():
    # Electronically a leads 3 to 2; on paper b leads 2 to 1: together 4 and 4 for one seat.
    rules = BallotRules(seats=1, threshold_base=ThresholdBase.CAST)
    ballots = ballots_for({"a": (3, 0, 0), "b": (2, 1, 0)})
    alone = tally(rules, CANDIDATES, ballots, 5, 5)
    assert alone.adopted == ("a",)
    counted = tally_mixed(rules, CANDIDATES, ballots, {"a": (1, 1, 0), "b": (2, 0, 0)}, 2,
                          entitled=5, present=5, paper_issued=3)
    assert counted.result.tie_pending == ("a", "b") and counted.result.adopted == ()
    assert statuses(counted.result) == {"a": TIE, "b": TIE}


def test_more_found_than_issued_is_refused():
    with pytest.raises(ValueError, match="3 paper ballots found but 2 issued"):
        tally_mixed(BallotRules(), CANDIDATES, [], ZERO, 3, entitled=5, present=5,
                    paper_issued=2)


@pytest.mark.parametrize("paper", [{"a": (3, 1, 0), "b": (0, 0, 0)},  # 4 marks, 3 ballots
                                   {"a": (0, 0, 0)},  # a candidate left out
                                   {"a": (-1, 0, 0), "b": (0, 0, 0)}])
def test_paper_totals_that_do_not_fit_the_ballots_found_are_refused(paper):
    ballots = ballots_for({"a": (1, 0, 0), "b": (1, 0, 0)})
    with pytest.raises(ValueError):
        tally_mixed(BallotRules(), CANDIDATES, ballots, paper, 3, entitled=9, present=9)


def test_approval_paper_totals_carry_yes_only():
    rules = BallotRules(method=Method.Y, seats=1)
    with pytest.raises(ValueError, match="approval"):
        tally_mixed(rules, CANDIDATES, [], {"a": (1, 1, 0), "b": (0, 0, 0)}, 2, entitled=4,
                    present=4)
    counted = tally_mixed(rules, CANDIDATES, [{"a": YES}, {"b": YES}, {"a": YES}],
                          {"a": (1, 0, 0), "b": (0, 0, 0)}, 1, entitled=4, present=4)
    assert counted.result.adopted == ("a",) and counted.result.row("a").yes == 3


def test_an_electronic_ballot_that_breaks_the_rules_is_refused():
    rules = BallotRules(method=Method.Y, max_selections=1)
    with pytest.raises(InvalidBallot):
        tally_mixed(rules, CANDIDATES, [{"a": YES, "b": YES}], ZERO, 0, entitled=3, present=3)


def test_the_quorum_counts_both_parts():
    rules = BallotRules(seats=2, threshold_base=ThresholdBase.CAST, quorum_num=1, quorum_den=2)
    ballots = ballots_for({"a": (2, 0, 0), "b": (2, 0, 0)})
    short = tally_mixed(rules, CANDIDATES, ballots, ZERO, 0, entitled=6, present=6)
    assert short.result.reason == "quorum_not_met"
    met = tally_mixed(rules, CANDIDATES, ballots, {"a": (1, 0, 0), "b": (1, 0, 0)}, 1,
                      entitled=6, present=6)
    assert met.result.valid and met.result.adopted == ("a", "b")


MARKS = (YES, NO, ABSTAIN)


@pytest.mark.parametrize("base", list(ThresholdBase))
def test_splitting_ballots_between_paper_and_screen_never_changes_the_result(base):
    """Every way of casting four YNA ballots over two candidates, and every split of them
    into electronic and paper ones: the sum counts exactly as the ballots counted together."""
    rules = BallotRules(seats=1, threshold_base=base, quorum_num=0, quorum_den=1)
    statuses_seen = set()
    every_ballot = [dict(zip(("a", "b"), marks, strict=True))
                    for marks in itertools.product(MARKS, repeat=2)]
    for ballots in itertools.combinations_with_replacement(every_ballot, 4):
        whole = tally(rules, CANDIDATES, ballots, 6, 5)
        for cut in range(len(ballots) + 1):
            on_screen, on_paper = ballots[:cut], ballots[cut:]
            paper = {cid: tuple(sum(1 for b in on_paper if b[cid] == m) for m in MARKS)
                     for cid in ("a", "b")}
            counted = tally_mixed(rules, CANDIDATES, on_screen, paper, len(on_paper), 6, 5,
                                  paper_issued=len(on_paper))
            assert counted.result == whole
        statuses_seen.update(statuses(whole).values())
    assert statuses_seen >= {ADOPTED, FAILED}
