"""Shared builders for the rules tests: statuses, rows, ballots and an exact oracle."""

from __future__ import annotations

from fractions import Fraction

from votes.rules import ABSTAIN, NO, YES, CandidateRow, Majority, Status

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
