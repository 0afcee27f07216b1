"""Unit tests of selection after a tie: it goes on down the ranking with what is left."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.votes.rules_builders import rows_from
from votes.rules import BallotRules, continue_selection, select, settle_ties

# The audit's case: 3 seats, 100 yuan. A (50) is adopted; B and C (40 each) tie with 50
# left, since both fit alone but not together, although two seats are still open.
AUDIT = rows_from([("a", 9, 50), ("b", 7, 40), ("c", 7, 40), ("d", 5, 10)])
AUDIT_RULES = BallotRules(seats=3, budget_cap=100)


def test_the_audits_tie_leaves_a_seat_and_budget_for_the_next_passed_option():
    count = select(AUDIT_RULES, AUDIT)
    assert count.adopted == ("a",) and count.tie_pending == ("b", "c")
    after = continue_selection(AUDIT_RULES, AUDIT, adopted=["a", "b"], settled=["b", "c"])
    assert after.adopted == ("d",)  # costs 10, fits the 10 left: no seat stays empty
    assert (after.seats_left, after.budget_left, after.tie_pending) == (0, 0, ())


def test_the_chain_replays_the_count_and_the_settlement():
    outcome = settle_ties(AUDIT_RULES, AUDIT, [["c"]])
    assert outcome.adopted == ("a", "c", "d")
    assert (outcome.seats_left, outcome.budget_left, outcome.tie_pending) == (0, 0, ())
    (step,) = outcome.steps
    assert (step.tie, step.adopted, step.continuation.adopted) == (("b", "c"), ("c",), ("d",))


def test_without_settlements_the_chain_is_the_count():
    outcome = settle_ties(AUDIT_RULES, AUDIT, [])
    assert (outcome.adopted, outcome.tie_pending, outcome.steps) == (("a",), ("b", "c"), ())
    assert (outcome.seats_left, outcome.budget_left) == (2, 50)


def test_a_second_tie_after_continuation_waits_and_is_settled_in_turn():
    rows = rows_from([("a", 9, 40), ("b", 7, 40), ("c", 7, 40),
                      ("d", 5, 15), ("e", 5, 15), ("f", 3, 5), ("g", 2, 5)])
    rules = BallotRules(seats=4, budget_cap=100)
    first = settle_ties(rules, rows, [["b"]])
    # b settled: 2 seats and 20 yuan left; d and e fit alone, not together: a new tie.
    assert first.adopted == ("a", "b") and first.tie_pending == ("d", "e")
    assert first.steps[0].continuation.adopted == ()
    assert (first.seats_left, first.budget_left) == (2, 20)
    second = settle_ties(rules, rows, [["b"], ["e"]])
    assert second.adopted == ("a", "b", "e", "f")  # f (5) fits the 5 left, the last seat
    assert second.steps[1].tie == ("d", "e")
    assert (second.seats_left, second.budget_left, second.tie_pending) == (0, 0, ())
    assert "g" not in second.adopted


def test_continuation_skips_what_no_longer_fits_and_takes_the_next():
    rows = rows_from([("a", 9, 50), ("b", 7, 40), ("c", 7, 40), ("d", 6, 30), ("e", 5, 10)])
    outcome = settle_ties(BallotRules(seats=3, budget_cap=100), rows, [["b"]])
    step = outcome.steps[0].continuation
    assert step.adopted == ("e",) and "d" in step.skipped_budget
    assert outcome.adopted == ("a", "b", "e") and outcome.budget_left == 0


def test_without_a_budget_cap_a_settled_tie_for_the_last_seat_ends_selection():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0), ("d", 6, 0), ("e", 5, 0)])
    rules = BallotRules(seats=2)
    assert select(rules, rows).tie_pending == ("b", "c")
    outcome = settle_ties(rules, rows, [["c"]])
    assert outcome.adopted == ("a", "c")  # the tie was for the last seat: nothing more
    assert (outcome.seats_left, outcome.budget_left) == (0, None)
    # A settlement that adopts nobody (a run-off where nobody passed) leaves the seat open
    # for the next in rank.
    empty = settle_ties(rules, rows, [[]])
    assert empty.adopted == ("a", "d") and empty.seats_left == 0


def test_nothing_left_to_continue_with():
    rows = rows_from([("a", 9, 0), ("b", 7, 0), ("c", 7, 0)])
    rules = BallotRules(seats=2)
    after = continue_selection(rules, rows, adopted=["a", "b"], settled=["b", "c"])
    assert (after.adopted, after.tie_pending, after.seats_left) == ((), (), 0)
    # Seats and budget left, but no passed option below the tie.
    rows = rows_from([("a", 9, 40), ("b", 7, 40), ("c", 7, 40)])
    rows += rows_from([("x", 2, 0)], passed=False)
    outcome = settle_ties(BallotRules(seats=3, budget_cap=100), rows, [["c"]])
    assert outcome.adopted == ("a", "c") and outcome.steps[0].continuation.adopted == ()
    assert (outcome.seats_left, outcome.budget_left, outcome.tie_pending) == (1, 20, ())


def test_settlements_must_keep_to_the_tie_and_what_is_left():
    with pytest.raises(ValueError, match="tie it settles"):
        settle_ties(AUDIT_RULES, AUDIT, [["d"]])
    with pytest.raises(ValueError, match="seats or budget"):
        settle_ties(AUDIT_RULES, AUDIT, [["b", "c"]])  # 80 > the 50 left
    with pytest.raises(ValueError, match="without a tie"):
        settle_ties(AUDIT_RULES, AUDIT, [["b"], ["d"]])
    with pytest.raises(ValueError, match="unknown"):
        continue_selection(AUDIT_RULES, AUDIT, adopted=["a", "zz"])
    with pytest.raises(ValueError, match="seats or the budget"):
        continue_selection(AUDIT_RULES, AUDIT, adopted=["a", "b", "c"])


# --- properties -----------------------------------------------------------------------------


@st.composite
def chains(draw):
    count = draw(st.integers(1, 8))
    rows = rows_from([(f"c{i}", draw(st.integers(0, 6)), draw(st.integers(0, 60)))
                      for i in range(count)])
    rows = [r if i == 0 or draw(st.booleans()) else replace(r, passed=False)
            for i, r in enumerate(rows)]
    rules = BallotRules(seats=draw(st.integers(1, 4)),
                        budget_cap=draw(st.none() | st.integers(1, 150)))
    return rules, rows, draw(st.randoms(use_true_random=False))


@settings(max_examples=300, deadline=None)
@given(chains())
def test_settling_every_tie_in_turn_ends_with_nothing_that_would_still_fit(chain):
    rules, rows, rnd = chain
    by_id = {r.id: r for r in rows}
    settlements: list[list[str]] = []
    outcome = settle_ties(rules, rows, settlements)
    settled: set[str] = set()
    while outcome.tie_pending:
        settled.update(outcome.tie_pending)
        # Any lawful choice among the tie: one by one, while it fits.
        chosen, seats, budget = [], outcome.seats_left, outcome.budget_left
        for c in rnd.sample(list(outcome.tie_pending), len(outcome.tie_pending)):
            if seats and (budget is None or by_id[c].cost <= budget) and rnd.random() < 0.7:
                chosen.append(c)
                seats -= 1
                budget = None if budget is None else budget - by_id[c].cost
        settlements.append(chosen)
        outcome = settle_ties(rules, rows, settlements)
    adopted = outcome.adopted
    cost = sum(by_id[c].cost for c in adopted)
    assert len(set(adopted)) == len(adopted) <= rules.seats
    assert rules.budget_cap is None or cost <= rules.budget_cap
    assert all(by_id[c].passed for c in adopted)
    assert outcome.seats_left == rules.seats - len(adopted)
    # Greedy to the end: with a seat still open, nothing undecided that passed would fit.
    undecided = [r for r in rows if r.passed and r.id not in set(adopted) | settled]
    if outcome.seats_left:
        assert all(outcome.budget_left is not None and r.cost > outcome.budget_left
                   for r in undecided)
