"""Unit tests for the pure ballot rules engine: arithmetic, quorum, ballots, selection, ties."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from fractions import Fraction

import pytest

from votes.rules import (
    ABSTAIN,
    METHODS,
    MORE_BALLOTS_THAN_VOTERS,
    NO,
    QUORUM_NOT_MET,
    YES,
    BallotRules,
    CandidateInput,
    CandidateRow,
    InvalidBallot,
    Majority,
    Method,
    Status,
    ThresholdBase,
    passes,
    quorum_met,
    select,
    tally,
    tally_from_totals,
    validate_choices,
    votes_needed,
)
from votes.tally_methods import Approval, YesNo, YesNoAbstain

ADOPTED = Status.ADOPTED
PNA = Status.PASSED_NOT_ADOPTED
SKIPPED = Status.SKIPPED_BUDGET
TIE = Status.TIE_PENDING
FAILED = Status.FAILED

# Exact rational oracle, independent of the integer cross-multiplication under test.
ORACLE = {
    Majority.SIMPLE: lambda yes, base: Fraction(yes, base) > Fraction(1, 2),
    Majority.TWO_THIRDS: lambda yes, base: Fraction(yes, base) >= Fraction(2, 3),
    Majority.THREE_QUARTERS: lambda yes, base: Fraction(yes, base) >= Fraction(3, 4),
}


def rows_from(spec, *, passed=True):
    """Rows ready for select(): spec is [(id, yes, cost)]; every row passed unless told."""
    return [CandidateRow(cid, cost, yes, 0, 0, 10, 6, passed, FAILED) for cid, yes, cost in spec]


def statuses(selection_or_result):
    return {r.id: r.status for r in selection_or_result.rows}


def ballots_for(counts):
    """Build YNA ballots from {cid: (yes, no, abstain)} that all have the same total."""
    total = {sum(v) for v in counts.values()}
    assert len(total) == 1
    n = total.pop()
    ballots = [{} for _ in range(n)]
    for cid, (yes, no, abstain) in counts.items():
        marks = [YES] * yes + [NO] * no + [ABSTAIN] * abstain
        for ballot, mark in zip(ballots, marks, strict=True):
            ballot[cid] = mark
    return ballots


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


# --- ballot methods -------------------------------------------------------------------------


def test_registry_holds_one_strategy_per_method():
    assert set(METHODS) == {"YNA", "YN", "Y"}
    assert METHODS["YNA"] is YesNoAbstain and METHODS[Method.YN] is YesNo
    assert METHODS["Y"] is Approval


def test_yna_blank_counts_as_abstain():
    rules = BallotRules(method=Method.YNA)
    assert validate_choices(rules, [1, 2, 3], {1: "yes", 3: ""}) == {
        1: YES,
        2: ABSTAIN,
        3: ABSTAIN,
    }


def test_yna_blank_is_tallied_as_abstain():
    rules = BallotRules(method=Method.YNA, threshold_base=ThresholdBase.CAST)
    ballots = [{1: "yes"}, {}, {1: None, 2: "no"}]
    result = tally(rules, [CandidateInput(1), CandidateInput(2)], ballots, entitled=3, present=3)
    assert (result.row(1).yes, result.row(1).no, result.row(1).abstain) == (1, 0, 2)
    assert (result.row(2).yes, result.row(2).no, result.row(2).abstain) == (0, 1, 2)


def test_yn_blank_counts_as_abstain_but_abstain_cannot_be_ticked():
    rules = BallotRules(method=Method.YN)
    assert validate_choices(rules, ["a", "b"], {"a": "no"}) == {"a": NO, "b": ABSTAIN}
    with pytest.raises(InvalidBallot) as err:
        validate_choices(rules, ["a", "b"], {"a": "abstain"})
    assert err.value.code == "choice_not_allowed"
    assert err.value.message_params == {"candidate_id": "a", "choice": "abstain", "method": "YN"}


def test_approval_records_only_ticks():
    rules = BallotRules(method=Method.Y)
    assert validate_choices(rules, ["a", "b", "c"], {"a": "yes", "c": None}) == {"a": YES}


@pytest.mark.parametrize("bad", [NO, ABSTAIN, "maybe"])
def test_approval_allows_only_yes(bad):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=Method.Y), ["a"], {"a": bad})
    assert err.value.code == "choice_not_allowed"


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("bad", ["oui", 1, True, ["yes"], "y"])
def test_nonsense_choice_is_not_allowed(method, bad):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=method), ["a"], {"a": bad})
    assert err.value.code == "choice_not_allowed"


@pytest.mark.parametrize("method", list(Method))
def test_choices_are_normalised(method):
    assert validate_choices(BallotRules(method=method), ["a"], {"a": " YES "}) == {"a": YES}


@pytest.mark.parametrize("method", list(Method))
def test_unknown_candidate(method):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=method), [1, 2], {3: "yes"})
    assert err.value.code == "unknown_candidate"
    assert err.value.message_params == {"candidate_id": 3}
    assert err.value.params is err.value.message_params


def test_candidate_ids_are_not_coerced():
    # A form posts "1"; matching it to candidate 1 is the caller's job, not a silent guess.
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(), [1], {"1": "yes"})
    assert err.value.code == "unknown_candidate"


@pytest.mark.parametrize(
    ("ticks", "code"),
    [
        (0, "too_few_selections"),
        (1, None),
        (2, None),
        (3, "too_many_selections"),
        (4, "too_many_selections"),
    ],
)
def test_approval_selection_bounds(ticks, code):
    rules = BallotRules(method=Method.Y, min_selections=1, max_selections=2)
    ids = ["a", "b", "c", "d"]
    choices = {cid: YES for cid in ids[:ticks]}
    if code is None:
        assert validate_choices(rules, ids, choices) == choices
    else:
        with pytest.raises(InvalidBallot) as err:
            validate_choices(rules, ids, choices)
        assert err.value.code == code
        limit = {"too_few_selections": ("min", 1), "too_many_selections": ("max", 2)}[code]
        assert err.value.message_params == {limit[0]: limit[1], "got": ticks}


def test_selection_bounds_count_yes_marks_under_yna():
    rules = BallotRules(method=Method.YNA, max_selections=1)
    assert validate_choices(rules, ["a", "b"], {"a": YES, "b": NO})
    with pytest.raises(InvalidBallot) as err:
        validate_choices(rules, ["a", "b"], {"a": YES, "b": YES})
    assert err.value.code == "too_many_selections"


def test_approval_blank_ballot_is_allowed_without_minimum():
    rules = BallotRules(method=Method.Y, threshold_base=ThresholdBase.CAST)
    assert validate_choices(rules, ["a"], {}) == {}


def test_impossible_minimum_is_a_configuration_error():
    with pytest.raises(ValueError):
        validate_choices(BallotRules(method=Method.Y, min_selections=3), ["a", "b"], {})


def test_duplicate_candidate_ids_raise():
    with pytest.raises(ValueError):
        validate_choices(BallotRules(), ["a", "a"], {})
    with pytest.raises(ValueError):
        tally(BallotRules(), [CandidateInput("a"), CandidateInput("a")], [], 1, 1)


def test_tally_rejects_a_stored_ballot_that_breaks_the_rules():
    rules = BallotRules(method=Method.Y, max_selections=1)
    with pytest.raises(InvalidBallot) as err:
        tally(rules, [CandidateInput("a"), CandidateInput("b")], [{"a": YES, "b": YES}], 1, 1)
    assert err.value.code == "too_many_selections"


def test_approval_tally_counts_ticks_against_ballots_cast():
    rules = BallotRules(method=Method.Y, threshold_base=ThresholdBase.CAST, seats=2)
    candidates = [CandidateInput(c) for c in "abc"]
    ballots = [{"a": YES, "b": YES}, {"a": YES}, {"b": YES}, {}]
    result = tally(rules, candidates, ballots, entitled=4, present=4)
    assert [(r.yes, r.no, r.abstain, r.base) for r in result.rows] == [
        (2, 0, 0, 4),
        (2, 0, 0, 4),
        (0, 0, 0, 4),
    ]
    assert statuses(result) == {"a": FAILED, "b": FAILED, "c": FAILED}  # 2 of 4 is half
    result = tally(rules, candidates, [*ballots[:3], {"a": YES}], entitled=4, present=4)
    assert result.adopted == ("a",)


# --- selection: seats -----------------------------------------------------------------------


def test_seats_cut_in_rank_order():
    rows = rows_from([("a", 7, 0), ("b", 9, 0), ("c", 6, 0), ("d", 8, 0)])
    rows.append(CandidateRow("e", 0, 2, 8, 0, 10, 6, False, FAILED))
    chosen = select(BallotRules(seats=2), rows)
    assert chosen.adopted == ("b", "d")
    assert statuses(chosen) == {"a": PNA, "b": ADOPTED, "c": PNA, "d": ADOPTED, "e": FAILED}
    assert [r.rank for r in chosen.rows] == [3, 1, 4, 2, None]
    assert [r.id for r in chosen.rows] == ["a", "b", "c", "d", "e"]  # input order kept
    assert chosen.tie_pending == ()


def test_nothing_passed_nothing_adopted():
    chosen = select(BallotRules(seats=3), rows_from([("a", 1, 0)], passed=False))
    assert chosen.adopted == () and statuses(chosen) == {"a": FAILED}


def test_fewer_passed_than_seats():
    chosen = select(BallotRules(seats=5), rows_from([("a", 9, 0), ("b", 7, 0)]))
    assert chosen.adopted == ("a", "b")


def test_tie_at_seat_cutoff_is_pending_and_stops_selection():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0), ("d", 6, 0)])
    chosen = select(BallotRules(seats=2), rows)
    assert chosen.adopted == ("a",)
    assert chosen.tie_pending == ("b", "c")
    assert statuses(chosen) == {"a": ADOPTED, "b": TIE, "c": TIE, "d": PNA}
    assert [r.rank for r in chosen.rows] == [1, 2, 2, 4]


def test_three_tied_for_two_remaining_seats_are_all_pending():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0), ("d", 7, 0)])
    chosen = select(BallotRules(seats=3), rows)
    assert chosen.adopted == ("a",)
    assert chosen.tie_pending == ("b", "c", "d")


def test_two_tied_for_two_remaining_seats_are_both_adopted():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0), ("d", 6, 0)])
    chosen = select(BallotRules(seats=3), rows)
    assert chosen.adopted == ("a", "b", "c")
    assert chosen.tie_pending == ()
    assert statuses(chosen)["d"] == PNA


def test_tie_above_the_cutoff_is_harmless():
    rows = rows_from([("a", 9, 0), ("b", 9, 0), ("c", 7, 0), ("d", 5, 0)])
    chosen = select(BallotRules(seats=3), rows)
    assert chosen.adopted == ("a", "b", "c")
    assert statuses(chosen)["d"] == PNA
    assert [r.rank for r in chosen.rows] == [1, 1, 3, 4]


def test_tie_below_the_cutoff_is_harmless():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0)])
    chosen = select(BallotRules(seats=1), rows)
    assert chosen.adopted == ("a",)
    assert chosen.tie_pending == ()
    assert statuses(chosen) == {"a": ADOPTED, "b": PNA, "c": PNA}


def test_tie_for_the_only_seat():
    chosen = select(BallotRules(seats=1), rows_from([("a", 7, 0), ("b", 7, 0)]))
    assert chosen.adopted == () and chosen.tie_pending == ("a", "b")


# --- selection: budget ----------------------------------------------------------------------


def test_expensive_candidate_is_skipped_and_the_next_cheaper_adopted():
    rules = BallotRules(seats=3, budget_cap=100)
    rows = rows_from([("a", 9, 80), ("b", 8, 50), ("c", 7, 20), ("d", 6, 1)])
    chosen = select(rules, rows)
    assert chosen.adopted == ("a", "c")
    assert statuses(chosen) == {"a": ADOPTED, "b": SKIPPED, "c": ADOPTED, "d": SKIPPED}
    assert chosen.total_adopted_cost == 100


def test_top_candidate_over_the_whole_budget_is_skipped():
    rules = BallotRules(seats=1, budget_cap=100)
    chosen = select(rules, rows_from([("a", 9, 101), ("b", 8, 100), ("c", 7, 10)]))
    assert chosen.adopted == ("b",)
    assert statuses(chosen) == {"a": SKIPPED, "b": ADOPTED, "c": PNA}


def test_seats_still_limit_when_budget_remains():
    rules = BallotRules(seats=2, budget_cap=1000)
    chosen = select(rules, rows_from([("a", 9, 10), ("b", 8, 10), ("c", 7, 10)]))
    assert chosen.adopted == ("a", "b")
    assert statuses(chosen)["c"] == PNA
    assert chosen.total_adopted_cost == 20


def test_tie_at_budget_cutoff_is_pending_when_both_fit_alone_but_not_together():
    rules = BallotRules(seats=5, budget_cap=100)
    rows = rows_from([("a", 9, 20), ("b", 8, 50), ("c", 8, 50), ("d", 5, 10)])
    chosen = select(rules, rows)
    assert chosen.adopted == ("a",)
    assert chosen.tie_pending == ("b", "c")
    assert statuses(chosen) == {"a": ADOPTED, "b": TIE, "c": TIE, "d": PNA}
    assert chosen.total_adopted_cost == 20


def test_tied_group_that_fits_together_is_adopted():
    rules = BallotRules(seats=5, budget_cap=100)
    chosen = select(rules, rows_from([("a", 8, 40), ("b", 8, 60), ("c", 5, 10)]))
    assert chosen.adopted == ("a", "b")
    assert statuses(chosen)["c"] == SKIPPED
    assert chosen.total_adopted_cost == 100


def test_tied_member_too_expensive_on_its_own_is_skipped_not_pending():
    rules = BallotRules(seats=5, budget_cap=100)
    chosen = select(rules, rows_from([("a", 8, 120), ("b", 8, 60), ("c", 5, 40)]))
    assert chosen.adopted == ("b", "c")
    assert chosen.tie_pending == ()
    assert statuses(chosen)["a"] == SKIPPED


def test_budget_tie_pending_lists_only_those_that_could_fit():
    rules = BallotRules(seats=5, budget_cap=100)
    rows = rows_from([("a", 8, 70), ("b", 8, 101), ("c", 8, 70), ("d", 2, 1)])
    chosen = select(rules, rows)
    assert chosen.tie_pending == ("a", "c")
    assert statuses(chosen) == {"a": TIE, "b": SKIPPED, "c": TIE, "d": PNA}


def test_budget_tie_after_an_earlier_skip():
    rules = BallotRules(seats=5, budget_cap=100)
    rows = rows_from([("a", 9, 60), ("b", 8, 50), ("c", 7, 30), ("d", 7, 30), ("e", 1, 1)])
    chosen = select(rules, rows)
    assert chosen.adopted == ("a",)
    assert chosen.tie_pending == ("c", "d")
    assert statuses(chosen) == {"a": ADOPTED, "b": SKIPPED, "c": TIE, "d": TIE, "e": PNA}


def test_zero_cost_candidates_fit_an_exhausted_budget():
    rules = BallotRules(seats=3, budget_cap=10)
    chosen = select(rules, rows_from([("a", 9, 10), ("b", 8, 0)]))
    assert chosen.adopted == ("a", "b")


def test_costs_are_ignored_without_a_budget_cap_but_still_summed():
    chosen = select(BallotRules(seats=2), rows_from([("a", 9, 10**9), ("b", 8, 10**9)]))
    assert chosen.adopted == ("a", "b")
    assert chosen.total_adopted_cost == 2 * 10**9


@pytest.mark.parametrize("cost", [-1, 1.5, True, "10"])
def test_candidate_cost_must_be_a_non_negative_integer(cost):
    with pytest.raises(ValueError):
        CandidateInput("a", cost)


# --- selection properties -------------------------------------------------------------------


def random_case(rnd):
    n = rnd.randint(0, 8)
    spec = [(f"c{i}", rnd.randint(0, 6), rnd.choice([0, 10, 20, 30, 50, 80])) for i in range(n)]
    rows = [CandidateRow(cid, cost, yes, 0, 0, 10, 1, yes >= 2, FAILED) for cid, yes, cost in spec]
    rules = BallotRules(seats=rnd.randint(1, 4), budget_cap=rnd.choice([None, 50, 100, 150]))
    return rules, rows


@pytest.mark.parametrize("seed", range(40))
def test_selection_invariants_and_no_silent_tie_break(seed):
    rnd = random.Random(seed)
    for _ in range(50):
        rules, rows = random_case(rnd)
        chosen = select(rules, rows)
        by_id = {r.id: r for r in chosen.rows}
        adopted = [by_id[c] for c in chosen.adopted]
        tied = [by_id[c] for c in chosen.tie_pending]
        assert len(adopted) <= rules.seats
        if rules.budget_cap is not None:
            assert chosen.total_adopted_cost <= rules.budget_cap
        assert chosen.total_adopted_cost == sum(r.cost for r in adopted)
        assert [r.yes for r in adopted] == sorted((r.yes for r in adopted), reverse=True)
        if tied:
            assert len(tied) >= 2 and len({r.yes for r in tied}) == 1
            assert all(r.yes > tied[0].yes for r in adopted)  # nothing below a tie
        for r in chosen.rows:
            assert (r.status == FAILED) is (not r.passed)
            assert (r.rank is None) is (not r.passed)
        # Input order must never decide anything: shuffling it changes no status.
        shuffled = rows[:]
        rnd.shuffle(shuffled)
        again = select(rules, shuffled)
        assert statuses(again) == statuses(chosen)
        assert set(again.adopted) == set(chosen.adopted)
        assert {r.id: r.rank for r in again.rows} == {r.id: r.rank for r in chosen.rows}


@pytest.mark.parametrize("seed", range(10))
def test_paper_totals_give_the_same_result_as_counted_ballots(seed):
    rnd = random.Random(seed)
    for _ in range(20):
        method = rnd.choice(list(Method))
        bases = [b for b in ThresholdBase if not (method == "Y" and b == "yes_no")]
        rules = BallotRules(
            method=method,
            threshold_base=rnd.choice(bases),
            majority=rnd.choice(list(Majority)),
            seats=rnd.randint(1, 3),
            budget_cap=rnd.choice([None, 100]),
        )
        candidates = [CandidateInput(i, rnd.choice([0, 30, 60])) for i in range(rnd.randint(1, 5))]
        marks = sorted(METHODS[method].allowed) + [None]
        entitled = rnd.randint(1, 12)
        ballots = [
            {c.id: rnd.choice(marks) for c in candidates} for _ in range(rnd.randint(0, entitled))
        ]
        counted = tally(rules, candidates, ballots, entitled, present=entitled)
        totals = {r.id: (r.yes, r.no, r.abstain) for r in counted.rows}
        paper = tally_from_totals(
            rules, candidates, totals, len(ballots), entitled, present=entitled
        )
        assert paper == counted


# --- paper totals ---------------------------------------------------------------------------


def test_paper_totals_tally():
    rules = BallotRules(seats=2, threshold_base=ThresholdBase.PRESENT)
    candidates = [CandidateInput("a", 10), CandidateInput("b", 20), CandidateInput("c", 30)]
    totals = {"a": (8, 1, 1), "b": (6, 2, 1), "c": (3, 6, 0)}
    result = tally_from_totals(rules, candidates, totals, 10, entitled=14, present=11)
    assert result.valid
    assert result.adopted == ("a", "b")
    assert result.total_adopted_cost == 30
    assert [r.needed for r in result.rows] == [6, 6, 6]
    assert statuses(result)["c"] == FAILED


def test_paper_totals_may_fall_short_of_ballots_cast():
    result = tally_from_totals(BallotRules(), [CandidateInput("a")], {"a": (6, 1, 0)}, 9, 10, 10)
    assert result.adopted == ("a",)


@pytest.mark.parametrize(
    ("method", "totals", "cast"),
    [
        (Method.YNA, {"a": (5, 3, 3)}, 10),  # 11 marks from 10 ballots
        (Method.YN, {"a": (6, 5, 0)}, 10),
        (Method.Y, {"a": (11, 0, 0)}, 10),
        (Method.Y, {"a": (3, 1, 0)}, 10),  # approval has no "no"
        (Method.Y, {"a": (3, 0, 1)}, 10),
        (Method.YNA, {"a": (-1, 0, 0)}, 10),
        (Method.YNA, {"a": (1.0, 0, 0)}, 10),
        (Method.YNA, {"a": (1, 0)}, 10),
        (Method.YNA, {}, 10),  # candidate missing
        (Method.YNA, {"a": (1, 0, 0), "z": (1, 0, 0)}, 10),  # unknown candidate
        (Method.YNA, {"a": (1, 0, 0)}, -1),
    ],
)
def test_inconsistent_paper_totals_raise(method, totals, cast):
    with pytest.raises(ValueError):
        tally_from_totals(BallotRules(method=method), [CandidateInput("a")], totals, cast, 10, 10)


def test_paper_totals_check_rules_first():
    with pytest.raises(ValueError):
        tally_from_totals(BallotRules(seats=0), [CandidateInput("a")], {"a": (1, 0, 0)}, 1, 1, 1)


# --- rules: validation, canonical JSON, hash ------------------------------------------------


def test_defaults():
    rules = BallotRules()
    assert rules.method is Method.YNA
    assert rules.threshold_base is ThresholdBase.ENTITLED
    assert rules.majority is Majority.SIMPLE
    assert (rules.seats, rules.budget_cap, rules.quorum_num, rules.quorum_den) == (1, None, 1, 2)
    assert (rules.min_selections, rules.max_selections, rules.secret) == (0, None, True)
    rules.validate()


def test_plain_strings_become_enums():
    rules = BallotRules(method="Y", threshold_base="cast", majority="two_thirds")
    assert rules == BallotRules(Method.Y, ThresholdBase.CAST, Majority.TWO_THIRDS)
    assert rules.method is Method.Y


@pytest.mark.parametrize(
    "kwargs", [{"method": "YNAB"}, {"threshold_base": "all"}, {"majority": "most"}]
)
def test_unknown_enum_values_raise(kwargs):
    with pytest.raises(ValueError):
        BallotRules(**kwargs)


def test_rules_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BallotRules().seats = 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seats": 0},
        {"seats": -1},
        {"seats": True},
        {"seats": 1.5},
        {"budget_cap": 0},
        {"budget_cap": -5},
        {"budget_cap": 10.0},
        {"min_selections": -1},
        {"max_selections": 0},
        {"min_selections": 3, "max_selections": 2},
        {"max_selections": "2"},
        {"quorum_den": 0},
        {"quorum_num": -1},
        {"quorum_num": 3, "quorum_den": 2},
        {"quorum_num": 1.0},
        {"secret": "yes"},
        {"method": "Y", "threshold_base": "yes_no"},
    ],
)
def test_nonsense_rules_are_rejected(kwargs):
    with pytest.raises(ValueError):
        BallotRules(**kwargs).validate()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seats": 5, "budget_cap": 1},
        {"method": "Y", "min_selections": 2, "max_selections": 2},
        {"quorum_num": 0, "quorum_den": 1},
        {"quorum_num": 2, "quorum_den": 3},
        {"quorum_num": 1, "quorum_den": 1},
        {"secret": False},
        {"method": "YN", "threshold_base": "yes_no", "majority": "three_quarters"},
    ],
)
def test_sensible_rules_validate(kwargs):
    BallotRules(**kwargs).validate()


def test_tally_checks_rules_first():
    with pytest.raises(ValueError):
        tally(BallotRules(seats=0), [CandidateInput("a")], [], 1, 1)


def test_canonical_json_is_exact_and_sorted():
    expected = (
        '{"budget_cap":null,"majority":"simple","max_selections":null,"method":"YNA",'
        '"min_selections":0,"quorum_den":2,"quorum_num":1,"seats":1,"secret":true,'
        '"threshold_base":"entitled"}'
    )
    assert BallotRules().canonical_json() == expected
    data = json.loads(expected)
    assert list(data) == sorted(data)


def test_canonical_json_does_not_depend_on_how_rules_were_built():
    a = BallotRules(method="YN", threshold_base="cast", majority="two_thirds", seats=2)
    b = BallotRules(
        seats=2, majority=Majority.TWO_THIRDS, threshold_base=ThresholdBase.CAST, method=Method.YN
    )
    assert a.canonical_json() == b.canonical_json()
    assert a.rules_hash() == b.rules_hash()


def test_rules_hash_is_sha256_of_canonical_json():
    rules = BallotRules(seats=3, budget_cap=500)
    expected = hashlib.sha256(rules.canonical_json().encode()).hexdigest()
    assert rules.rules_hash() == expected
    assert len(expected) == 64


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", Method.YN),
        ("threshold_base", ThresholdBase.PRESENT),
        ("majority", Majority.TWO_THIRDS),
        ("seats", 2),
        ("budget_cap", 100),
        ("min_selections", 1),
        ("max_selections", 3),
        ("quorum_num", 2),
        ("quorum_den", 3),
        ("secret", False),
    ],
)
def test_rules_hash_changes_when_any_rule_changes(field, value):
    base = BallotRules()
    changed = dataclasses.replace(base, **{field: value})
    assert changed.rules_hash() != base.rules_hash()


def test_every_field_is_covered_by_the_hash_test():
    covered = {
        "method",
        "threshold_base",
        "majority",
        "seats",
        "budget_cap",
        "min_selections",
        "max_selections",
        "quorum_num",
        "quorum_den",
        "secret",
    }
    assert {f.name for f in dataclasses.fields(BallotRules)} == covered


def test_canonical_json_round_trips():
    rules = BallotRules(method="Y", threshold_base="cast", seats=3, budget_cap=900, secret=False)
    assert BallotRules.from_json(rules.canonical_json()) == rules


@pytest.mark.parametrize("text", ['{"seats":1,"colour":"red"}', "[1]"])
def test_from_json_rejects_unknown_shapes(text):
    with pytest.raises(ValueError):
        BallotRules.from_json(text)


# --- end to end -----------------------------------------------------------------------------


def test_full_tally_with_budget_and_tie():
    rules = BallotRules(
        method=Method.YNA, threshold_base=ThresholdBase.CAST, seats=3, budget_cap=100
    )
    candidates = [
        CandidateInput("playground", 60),
        CandidateInput("lights", 30),
        CandidateInput("benches", 30),
        CandidateInput("lift", 200),
        CandidateInput("mural", 5),
    ]
    ballots = ballots_for(
        {
            "playground": (9, 1, 0),
            "lift": (8, 2, 0),
            "lights": (7, 3, 0),
            "benches": (7, 2, 1),
            "mural": (2, 8, 0),
        }
    )
    result = tally(rules, candidates, ballots, entitled=12, present=11)
    assert result.valid and result.reason is None
    assert (result.ballots_cast, result.entitled, result.present) == (10, 12, 11)
    assert result.adopted == ("playground",)
    assert result.tie_pending == ("lights", "benches")
    assert statuses(result) == {
        "playground": ADOPTED,
        "lights": TIE,
        "benches": TIE,
        "lift": SKIPPED,
        "mural": FAILED,
    }
    assert result.total_adopted_cost == 60
    assert [r.rank for r in result.rows] == [1, 3, 3, 2, None]
