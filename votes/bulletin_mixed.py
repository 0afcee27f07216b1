"""The bulletin's part for paper and electronic in one ballot (format 2): build and check it.

A mixed ballot's bulletin publishes the electronic ballots (`ballots`), the paper totals
(`paper_totals`), the paper count (`paper_count`: ballots issued at the box and found in
it) and who took a paper ballot (`roster.members[].paper`); `result` is their sum. See
docs/bulletin.md. votes.bulletin calls these; scripts/verify_bulletin.py repeats them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from votes.ballots import Ballot, BallotMode, PaperIssue, PaperTotal
from votes.mixed_tally import tally_mixed
from votes.rules import BallotRules, CandidateInput, TallyResult


def paper_takers(session: Session, ballot: Ballot) -> set[int]:
    return set(session.scalars(select(PaperIssue.user_id)
                               .where(PaperIssue.ballot_id == ballot.id)))


def paper_count(ballot: Ballot, takers: set[int]) -> dict[str, int] | None:
    if ballot.mode != BallotMode.MIXED:
        return None
    return {"issued": len(takers), "found": ballot.paper_ballots}


def recount(doc: Mapping, rules: BallotRules, candidates: list[CandidateInput]) -> TallyResult:
    """The result a mixed bulletin's ballots and paper totals give together."""
    roster, count = doc["roster"], doc.get("paper_count")
    if not isinstance(count, Mapping) or doc["paper_totals"] is None:
        raise ValueError("a mixed ballot without its paper count and totals")
    ballots = [{int(k): v for k, v in b["choices"].items()} for b in doc["ballots"]]
    totals = {int(k): tuple(v) for k, v in doc["paper_totals"].items()}
    return tally_mixed(rules, candidates, ballots, totals, count["found"], roster["entitled"],
                       roster["present"], paper_issued=count["issued"]).result


def check(doc: Mapping) -> list[str]:
    """What only a mixed ballot's bulletin has, and that no other bulletin has it."""
    problems = []
    mixed = doc["ballot"]["mode"] == BallotMode.MIXED
    count = doc.get("paper_count")
    if mixed != (count is not None):
        problems.append("ballot.mode does not match whether a paper count is published")
    members = doc["roster"]["members"]
    takers = [m for m in members if m.get("paper", False)]
    if not mixed or count is None:
        if takers:
            problems.append("delegates are marked as having taken a paper ballot in a ballot"
                            " that had none")
        return problems + _check_mode_chosen(doc, mixed)
    issued, found = count["issued"], count["found"]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
               for v in (issued, found)):
        return [*problems, "the paper count is not two whole numbers"]
    if issued != len(takers):
        problems.append(f"{issued} paper ballots issued but {len(takers)} delegates took one")
    if found > issued:
        problems.append(f"{found} paper ballots found but only {issued} issued")
    both = [m["id"] for m in takers if m["voted"]]
    if both:
        problems.append(f"delegates {both} took a paper ballot and voted electronically")
    absent = [m["id"] for m in takers if not m["present"]]
    if absent:
        problems.append(f"delegates {absent} took a paper ballot but are not marked present")
    voted = sum(1 for m in members if m["voted"])
    if voted + issued > doc["roster"]["present"]:
        problems.append("more electronic voters and paper ballots issued than delegates present")
    if doc["ballots_cast"] != len(doc["ballots"]) + found:
        problems.append("ballots_cast is not the electronic ballots and the paper ballots found")
    closed = _last(doc, "closed")
    for key, value in (("paper_issued", issued), ("paper_ballots", found)):
        if closed.get(key) != value:
            problems.append(f"the ledger's closing entry has another {key}")
    return problems + _check_mode_chosen(doc, mixed)


def _last(doc: Mapping, kind: str) -> Mapping:
    found = [e["payload"] for e in doc["ledger"] if e["kind"] == kind]
    return found[-1] if found and isinstance(found[-1], Mapping) else {}


def _check_mode_chosen(doc: Mapping, mixed: bool) -> list[str]:
    """`mode_chosen` entries come before opening; the last says mixed exactly when it is."""
    kinds = [e["kind"] for e in doc["ledger"]]
    problems = []
    if "opened" in kinds and "mode_chosen" in kinds[kinds.index("opened"):]:
        problems.append("the ledger's mode was chosen after the ballot opened")
    chosen = _last(doc, "mode_chosen").get("mode", BallotMode.ELECTRONIC.value)
    if (chosen == BallotMode.MIXED) != mixed:
        problems.append("ballot.mode differs from the mode the ledger says was chosen")
    return problems


def table_problems(session: Session, ballot: Ballot, roster: set[int], voters: set[int],
                   cast: int) -> list[str]:
    """What the database alone shows: paper marks off the roster or beside a vote, counts."""
    takers = paper_takers(session, ballot)
    if ballot.mode != BallotMode.MIXED:
        problems = ["a ballot that is not mixed has paper ballots issued"] if takers else []
        if ballot.paper_ballots is not None:
            problems.append("a ballot that is not mixed has a paper ballot count")
        return problems
    problems = []
    if takers - roster:
        problems.append(f"paper ballots issued to people not on the roster: "
                        f"{sorted(takers - roster)}")
    if takers & voters:
        problems.append(f"paper ballots issued to electronic voters: {sorted(takers & voters)}")
    found = ballot.paper_ballots or 0
    if not len(voters) == cast == (ballot.ballots_cast or 0) - found:
        problems.append(f"{len(voters)} voter records, {cast} cast ballots and"
                        f" {(ballot.ballots_cast or 0) - found} electronic ballots counted do"
                        " not agree")
    if found > len(takers):
        problems.append("more paper ballots found than issued")
    totals = session.scalar(select(func.count()).select_from(PaperTotal)
                            .where(PaperTotal.ballot_id == ballot.id)) or 0
    if ballot.paper_ballots is not None and totals != len(ballot.options):
        problems.append("a mixed ballot's paper totals do not cover its candidates")
    return problems
