"""Unit tests of the rules' arithmetic: majorities, quorum and threshold bases."""

from __future__ import annotations

import pytest

from tests.unit.votes.rules_builders import (
    ADOPTED,
    FAILED,
    ORACLE,
    ballots_for,
    statuses,
)
from votes.rules import (
    MORE_BALLOTS_THAN_VOTERS,
    QUORUM_NOT_MET,
    YES,
    BallotRules,
    CandidateInput,
    Majority,
    ThresholdBase,
    passes,
    quorum_met,
    tally,
    tally_from_totals,
    votes_needed,
)

# --- passes / votes_needed ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("majority", "base", "needed"),
    [
        (Majority.SIMPLE, 1, 1),
        (Majority.SIMPLE, 2, 2),
        (Majority.SIMPLE, 3, 2),
        (Majority.SIMPLE, 4, 3),
        (Majority.SIMPLE, 9, 5),
        (Majority.SIMPLE, 10, 6),
        (Majority.SIMPLE, 101, 51),
        (Majority.TWO_THIRDS, 1, 1),
        (Majority.TWO_THIRDS, 2, 2),
        (Majority.TWO_THIRDS, 3, 2),
        (Majority.TWO_THIRDS, 4, 3),
        (Majority.TWO_THIRDS, 9, 6),
        (Majority.TWO_THIRDS, 10, 7),
        (Majority.TWO_THIRDS, 100, 67),
        (Majority.THREE_QUARTERS, 1, 1),
        (Majority.THREE_QUARTERS, 2, 2),
        (Majority.THREE_QUARTERS, 4, 3),
        (Majority.THREE_QUARTERS, 8, 6),
        (Majority.THREE_QUARTERS, 9, 7),
        (Majority.THREE_QUARTERS, 10, 8),
        (Majority.THREE_QUARTERS, 100, 75),
    ],
)
def test_votes_needed_is_the_smallest_yes_that_passes(majority, base, needed):
    assert votes_needed(base, majority) == needed
    assert passes(needed, base, majority)
    assert not passes(needed - 1, base, majority)


@pytest.mark.parametrize(
    ("yes", "base", "majority", "expected"),
    [
        (5, 10, Majority.SIMPLE, False),  # exactly half is not a majority
        (6, 10, Majority.SIMPLE, True),
        (5, 9, Majority.SIMPLE, True),
        (4, 9, Majority.SIMPLE, False),
        (6, 9, Majority.TWO_THIRDS, True),  # exactly two thirds is enough
        (5, 9, Majority.TWO_THIRDS, False),
        (7, 9, Majority.THREE_QUARTERS, True),  # 4*7 = 28 >= 27
        (6, 9, Majority.THREE_QUARTERS, False),
        (6, 8, Majority.THREE_QUARTERS, True),  # exactly three quarters is enough
        (5, 8, Majority.THREE_QUARTERS, False),
    ],
)
def test_passes_boundaries(yes, base, majority, expected):
    assert passes(yes, base, majority) is expected


@pytest.mark.parametrize("majority", list(Majority))
def test_passes_agrees_with_exact_fractions_for_every_small_base(majority):
    for base in range(1, 61):
        needed = votes_needed(base, majority)
        for yes in range(base + 3):
            assert passes(yes, base, majority) is ORACLE[majority](yes, base), (yes, base)
            assert passes(yes, base, majority) is (yes >= needed), (yes, base)


@pytest.mark.parametrize("majority", list(Majority))
@pytest.mark.parametrize("yes", [0, 1, 5])
def test_base_zero_never_passes(majority, yes):
    assert passes(yes, 0, majority) is False
    assert votes_needed(0, majority) is None


@pytest.mark.parametrize("majority", ["simple", "two_thirds", "three_quarters"])
def test_majority_accepts_plain_strings(majority):
    assert passes(10, 10, majority)


@pytest.mark.parametrize(("yes", "base"), [(-1, 5), (1, -5), (1.0, 5), (1, 5.0), (True, 5)])
def test_passes_rejects_non_counts(yes, base):
    with pytest.raises(ValueError):
        passes(yes, base, Majority.SIMPLE)


def test_unknown_majority_is_rejected():
    with pytest.raises(ValueError):
        passes(1, 1, "most")
    with pytest.raises(ValueError):
        votes_needed(1, "most")


# --- quorum and void ballots ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("num", "den", "entitled", "cast", "met"),
    [
        (1, 2, 10, 5, True),  # exactly half meets the default quorum
        (1, 2, 10, 4, False),
        (1, 2, 9, 5, True),
        (1, 2, 9, 4, False),
        (2, 3, 9, 6, True),  # exact boundary
        (2, 3, 9, 5, False),
        (2, 3, 10, 7, True),
        (2, 3, 10, 6, False),
        (1, 1, 5, 5, True),
        (1, 1, 5, 4, False),
        (0, 1, 10, 0, True),  # no quorum at all
    ],
)
def test_quorum_boundaries(num, den, entitled, cast, met):
    rules = BallotRules(quorum_num=num, quorum_den=den, threshold_base=ThresholdBase.CAST)
    assert quorum_met(rules, cast, entitled) is met
    candidates = [CandidateInput("a")]
    result = tally(rules, candidates, [{"a": YES}] * cast, entitled=entitled, present=entitled)
    assert result.valid is met
    assert result.reason == (None if met else QUORUM_NOT_MET)
    assert result.adopted == (("a",) if met and cast else ())


def test_quorum_not_met_adopts_nothing_but_still_reports_counts():
    rules = BallotRules(threshold_base=ThresholdBase.CAST, seats=2)
    candidates = [CandidateInput("a"), CandidateInput("b")]
    result = tally(rules, candidates, [{"a": YES, "b": YES}] * 4, entitled=10, present=10)
    assert (result.valid, result.reason) == (False, QUORUM_NOT_MET)
    assert result.adopted == () and result.tie_pending == () and result.total_adopted_cost == 0
    row = result.row("a")
    assert (row.yes, row.base, row.needed, row.passed, row.status, row.rank) == (
        4,
        4,
        3,
        False,
        FAILED,
        None,
    )


def test_more_ballots_than_voters_voids_the_ballot():
    rules = BallotRules()
    result = tally(rules, [CandidateInput("a")], [{"a": YES}] * 4, entitled=3, present=3)
    assert (result.valid, result.reason) == (False, MORE_BALLOTS_THAN_VOTERS)
    assert result.adopted == ()
    assert statuses(result) == {"a": FAILED}


def test_more_ballots_than_voters_on_paper_too():
    result = tally_from_totals(
        BallotRules(), [CandidateInput("a")], {"a": (4, 0, 0)}, 4, entitled=3, present=3
    )
    assert result.reason == MORE_BALLOTS_THAN_VOTERS


def test_as_many_ballots_as_voters_is_fine():
    result = tally(BallotRules(), [CandidateInput("a")], [{"a": YES}] * 3, entitled=3, present=3)
    assert result.valid and result.adopted == ("a",)


def test_empty_roster_adopts_nothing():
    result = tally(BallotRules(), [CandidateInput("a")], [], entitled=0, present=0)
    assert result.valid and result.adopted == ()
    assert result.row("a").needed is None


@pytest.mark.parametrize(("entitled", "present"), [(5, 6), (-1, 0), (5, -1), (5.0, 5)])
def test_bad_roster_numbers_raise(entitled, present):
    with pytest.raises(ValueError):
        tally(BallotRules(), [CandidateInput("a")], [], entitled=entitled, present=present)


# --- threshold bases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_kind", "majority", "base", "needed", "passed"),
    [
        # entitled 20, present 15, 10 ballots: yes 6, no 2, abstain 2
        (ThresholdBase.ENTITLED, Majority.SIMPLE, 20, 11, False),
        (ThresholdBase.PRESENT, Majority.SIMPLE, 15, 8, False),
        (ThresholdBase.CAST, Majority.SIMPLE, 10, 6, True),
        (ThresholdBase.YES_NO, Majority.SIMPLE, 8, 5, True),
        (ThresholdBase.CAST, Majority.TWO_THIRDS, 10, 7, False),
        (ThresholdBase.YES_NO, Majority.TWO_THIRDS, 8, 6, True),
        (ThresholdBase.YES_NO, Majority.THREE_QUARTERS, 8, 6, True),
        (ThresholdBase.CAST, Majority.THREE_QUARTERS, 10, 8, False),
        (ThresholdBase.PRESENT, Majority.TWO_THIRDS, 15, 10, False),
        (ThresholdBase.ENTITLED, Majority.THREE_QUARTERS, 20, 15, False),
    ],
)
def test_threshold_base(base_kind, majority, base, needed, passed):
    rules = BallotRules(threshold_base=base_kind, majority=majority)
    ballots = ballots_for({"a": (6, 2, 2)})
    result = tally(rules, [CandidateInput("a")], ballots, entitled=20, present=15)
    row = result.row("a")
    assert (row.yes, row.no, row.abstain) == (6, 2, 2)
    assert (row.base, row.needed, row.passed) == (base, needed, passed)
    assert row.status == (ADOPTED if passed else FAILED)


def test_yes_no_base_is_per_candidate_and_ignores_abstentions():
    rules = BallotRules(threshold_base=ThresholdBase.YES_NO, seats=3)
    ballots = ballots_for({"a": (3, 1, 6), "b": (5, 5, 0), "c": (0, 0, 10)})
    result = tally(rules, [CandidateInput(c) for c in "abc"], ballots, entitled=10, present=10)
    assert [r.base for r in result.rows] == [4, 10, 0]
    assert statuses(result) == {"a": ADOPTED, "b": FAILED, "c": FAILED}


def test_entitled_base_counts_absent_delegates_against():
    rules = BallotRules()
    ballots = ballots_for({"a": (6, 0, 0)})
    result = tally(rules, [CandidateInput("a")], ballots, entitled=12, present=12)
    assert not result.row("a").passed  # 6 of 12 is exactly half
