"""Pure count of a mixed ballot: the electronic ballots and the paper totals, then their sum."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from votes.rules import BallotRules, CandidateInput, TallyResult, tally, tally_from_totals
from votes.tally_methods import CandidateId

Totals = Mapping[CandidateId, tuple[int, int, int]]


@dataclass(frozen=True)
class MixedTally:
    """The two parts of a mixed ballot's count, each per candidate (yes, no, abstain), and
    the result their sum gives under the ballot's rules."""

    electronic: tuple[tuple[CandidateId, tuple[int, int, int]], ...]  # in candidate order
    electronic_ballots: int
    paper: tuple[tuple[CandidateId, tuple[int, int, int]], ...]
    paper_ballots: int  # found in the box: blank or spoilt ones included
    result: TallyResult  # the sum; its ballots_cast is electronic_ballots + paper_ballots


def _triples(result: TallyResult) -> tuple[tuple[CandidateId, tuple[int, int, int]], ...]:
    return tuple((r.id, (r.yes, r.no, r.abstain)) for r in result.rows)


def tally_mixed(
    rules: BallotRules,
    candidates: Sequence[CandidateInput],
    ballots: Iterable[Mapping[CandidateId, object]],
    paper_totals: Totals,
    paper_ballots: int,
    entitled: int,
    present: int,
    *,
    paper_issued: int | None = None,
) -> MixedTally:
    """Count the electronic ballots, check the paper totals, and tally their sum.

    The paper totals are checked as a paper ballot's are (`tally_from_totals`): every
    candidate's yes + no + abstain at most the paper ballots found, approval totals yes only.
    `paper_issued`, when given, bounds the ballots found: more paper ballots in the box than
    were handed out is refused (ValueError), like totals that do not fit. A stored electronic
    ballot that breaks the rules raises InvalidBallot, as `tally` does.
    """
    if paper_issued is not None and paper_ballots > paper_issued:
        raise ValueError(f"{paper_ballots} paper ballots found but {paper_issued} issued")
    electronic = tally(rules, candidates, ballots, entitled, present)
    paper = tally_from_totals(rules, candidates, paper_totals, paper_ballots, entitled, present)
    summed = {e.id: (e.yes + p.yes, e.no + p.no, e.abstain + p.abstain)
              for e, p in zip(electronic.rows, paper.rows, strict=True)}
    result = tally_from_totals(rules, candidates, summed,
                               electronic.ballots_cast + paper_ballots, entitled, present)
    return MixedTally(electronic=_triples(electronic), electronic_ballots=electronic.ballots_cast,
                      paper=_triples(paper), paper_ballots=paper_ballots, result=result)
