"""A mixed ballot (paper and electronic in one count) for the tests of tests/functional/ballots."""

from __future__ import annotations

from tests.functional.builders import (
    VOTING_DAY,
    cast_all,
    new_ballot,
    option_ids,
    tellers_for,
    unlock_all,
)
from votes import mixed
from votes.casting import open_ballot
from votes.rules import BallotRules


def mixed_ballot(db, official, assembly, *, rules=None, options=3, costs=None):
    """A drafted ballot made mixed, then opened (sealed for tellers, as a cycle's must be)."""
    ballot = new_ballot(db, official, assembly, rules=rules or BallotRules(seats=2),
                        options=options, costs=costs, opened=False)
    mixed.choose_mode(db, official, ballot, "mixed")
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    return ballot


def counted_mixed(db, official, people):
    """9 on the roster: 5 vote electronically, 3 take paper (2 found in the box), 1 stays away.

    Electronic: a 5 yes; b 3 yes 2 no; c 1 yes 3 no 1 abstain.
    Paper: a 2 yes; b 1 yes 1 no; c 0 yes 2 no. Sum: a 7, b 4, c 1 over 7 ballots cast.
    """
    ballot = mixed_ballot(db, official, people.assembly)
    a, b, c = option_ids(ballot)
    marks = [{a: "yes", b: "yes", c: "no"}, {a: "yes", b: "yes", c: "yes"},
             {a: "yes", b: "yes", c: "no"}, {a: "yes", b: "no", c: "no"}, {a: "yes", b: "no"}]
    cast_all(db, ballot, people[:5], lambda i: marks[i])
    for person in people[5:8]:
        mixed.issue_paper(db, official, ballot, person)
        db.commit()
    mixed.close_mixed(db, official, ballot, {a: (2, 0, 0), b: (1, 1, 0), c: (0, 2, 0)},
                      paper_ballots=2, unlock=unlock_all(db, ballot))
    db.commit()
    return ballot
