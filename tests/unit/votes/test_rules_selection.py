"""Unit tests of selection: seats, budget skips, ties never broken silently."""

from __future__ import annotations

import random

import pytest

from tests.unit.votes.rules_builders import (
    ADOPTED,
    FAILED,
    PNA,
    SKIPPED,
    TIE,
    rows_from,
    statuses,
)
from votes.rules import (
    METHODS,
    BallotRules,
    CandidateInput,
    CandidateRow,
    Majority,
    Method,
    ThresholdBase,
    select,
    tally,
    tally_from_totals,
)

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
