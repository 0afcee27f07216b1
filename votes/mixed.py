"""Paper and electronic in one ballot (mode `mixed`): who took a paper ballot, and the count.

Each delegate on the roster votes one way: at the box, where the teller marks them on the
roster as having taken a paper ballot (they then cannot vote electronically), or on a screen
(they then cannot take a paper ballot). When voting ends the teller enters the paper totals
and the number of paper ballots found in the box, in the same step as closing: the
electronic ballots are counted, the paper totals checked, and the sum is the result.
Who took paper is public, as who voted is; what they marked on it is not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from votes import ballot_box, ledger
from votes.ballots import (
    Ballot,
    BallotMode,
    BallotSeal,
    BallotStatus,
    CastBallot,
    PaperIssue,
    PaperTotal,
    VoterRecord,
)
from votes.base import DomainError
from votes.casting import (
    begin_write,
    decode_choices,
    iso,
    lock_ballot,
    require_teller,
    roster_entry,
)
from votes.closing import (
    candidates_of,
    count_present,
    count_voters,
    require_counter,
    store_result,
)
from votes.mixed_tally import tally_mixed
from votes.people import User
from votes.rules import InvalidBallot

CHOOSABLE = (BallotMode.ELECTRONIC, BallotMode.MIXED)


def choose_mode(session: Session, actor: User, ballot: Ballot, mode: str) -> Ballot:
    """While the ballot is a draft: electronic only, or paper and electronic (mixed).

    A mixed ballot must be secret: a paper ballot carries no name, so a roll call could not
    name how its paper voters voted. Ledger `mode_chosen`, read by both verifiers.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.DRAFT:
        raise DomainError("rules_frozen")
    if mode not in {m.value for m in CHOOSABLE}:
        raise DomainError("invalid_choice")
    if mode == BallotMode.MIXED and not ballot.rules.secret:
        raise DomainError("roll_call_not_mixed")
    if ballot.mode != mode:
        ballot.mode = mode
        session.flush()
        ledger.append(session, ballot.id, "mode_chosen", {"mode": mode})
    return ballot


def _open_mixed(session: Session, actor: User, ballot: Ballot) -> Ballot:
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    if ballot.mode != BallotMode.MIXED:
        raise DomainError("not_mixed")
    return ballot


def issue_paper(session: Session, actor: User, ballot: Ballot, delegate: User) -> PaperIssue:
    """The teller hands `delegate` a paper ballot at the box and marks it on the roster.

    Refused if they voted electronically. The teller sees them at the box, so a delegate not
    yet checked in is checked in by the teller, as at the desk: attendance recorded by an
    official, apart from the vote, whatever the rules say about check-in.
    """
    ballot = _open_mixed(session, actor, ballot)
    entry = roster_entry(session, ballot.id, delegate.id)
    if entry is None:
        raise DomainError("not_on_roster")
    if session.get(VoterRecord, (ballot.id, delegate.id)) is not None:
        raise DomainError("voted_electronically", name=delegate.display_name)
    if session.get(PaperIssue, (ballot.id, delegate.id)) is not None:
        raise DomainError("paper_already_issued", name=delegate.display_name)
    if not entry.present:
        entry.present = True
        entry.checked_in_by_id = actor.id
    issue = PaperIssue(ballot_id=ballot.id, user_id=delegate.id, issued_by_id=actor.id)
    session.add(issue)
    session.flush()
    return issue


def withdraw_paper(session: Session, actor: User, ballot: Ballot, delegate: User) -> None:
    """Undo a mark made by mistake, while the ballot is open: the teller takes the paper
    ballot back first. The delegate stays present, and may then vote electronically."""
    ballot = _open_mixed(session, actor, ballot)
    issue = session.get(PaperIssue, (ballot.id, delegate.id))
    if issue is None:
        raise DomainError("paper_not_issued", name=delegate.display_name)
    session.delete(issue)
    session.flush()


def took_paper(session: Session, ballot_id: int, user_id: int) -> bool:
    return session.get(PaperIssue, (ballot_id, user_id)) is not None


def paper_takers(session: Session, ballot_id: int) -> set[int]:
    return set(session.scalars(select(PaperIssue.user_id)
                               .where(PaperIssue.ballot_id == ballot_id)))


def count_issued(session: Session, ballot_id: int) -> int:
    return session.scalar(select(func.count()).select_from(PaperIssue)
                          .where(PaperIssue.ballot_id == ballot_id)) or 0


def close_mixed(
    session: Session, actor: User, ballot: Ballot, totals: Mapping[object, Sequence[int]], *,
    paper_ballots: int, unlock: Mapping[int, str] | None = None,
) -> dict[str, object]:
    """End voting and count a mixed ballot: the electronic ballots (a sealed ballot's boxes
    opened by its tellers, as `close_ballot` does), plus the paper totals the teller counted.

    `totals` maps each option id to the paper (yes, no, abstain); `paper_ballots` is how many
    paper ballots were found in the box, blank and spoilt ones included. Refused: more found
    than were issued (`paper_exceeds_issued`), a candidate with more paper marks than paper
    ballots (`invalid_paper_totals`). Nothing changes when refused.
    """
    ballot = _open_mixed(session, actor, ballot)
    require_counter(session, actor, ballot)
    if not isinstance(paper_ballots, int) or isinstance(paper_ballots, bool) \
            or paper_ballots < 0:
        raise DomainError("invalid_paper_totals", detail="paper ballots must be a whole number")
    issued = count_issued(session, ballot.id)
    if paper_ballots > issued:
        raise DomainError("paper_exceeds_issued", found=paper_ballots, issued=issued)
    seal = session.get(BallotSeal, ballot.id)
    if seal is not None:
        rows = ballot_box.open_sealed(session, ballot, seal, unlock or {})
    else:
        rows = session.execute(
            select(CastBallot.id, CastBallot.tracker, CastBallot.choices, CastBallot.hash)
            .where(CastBallot.ballot_id == ballot.id)).all()
    if len(rows) != count_voters(session, ballot.id):
        raise DomainError("ballot_count_mismatch")
    keyed = {int(k) if isinstance(k, str) and k.isdigit() else k: tuple(v)
             for k, v in totals.items()}
    try:
        counted = tally_mixed(ballot.rules, candidates_of(session, ballot),
                              [decode_choices(r.choices) for r in rows], keyed, paper_ballots,
                              ballot.entitled or 0, count_present(session, ballot.id),
                              paper_issued=issued)
    except InvalidBallot as exc:
        raise DomainError("invalid_stored_ballot", detail=exc.code) from None
    except (ValueError, TypeError) as exc:
        raise DomainError("invalid_paper_totals", detail=str(exc)) from None
    session.add_all(
        PaperTotal(ballot_id=ballot.id, option_id=option_id, yes=yes, no=no, abstain=abstain,
                   entered_by_id=actor.id)
        for option_id, (yes, no, abstain) in counted.paper)
    ballot.paper_ballots = paper_ballots
    stored = store_result(session, ballot, counted.result)
    ballot_box.store_in_tracker_order(session, ballot.id, rows)
    if ballot.rules.secret:  # always so: a roll call cannot be mixed (open_ballot refuses)
        ballot_box.rewrite_voters(session, ballot.id)
    ballot_box.after_commit_truncate_wal(session)
    ledger.append(session, ballot.id, "closed", {
        "mode": ballot.mode, "ballots_cast": ballot.ballots_cast, "entitled": ballot.entitled,
        "present": ballot.present, "result_hash": stored.result_hash, "at": iso(ballot.closed_at),
        "totals": {str(i): list(t) for i, t in counted.paper},
        "paper_issued": issued, "paper_ballots": paper_ballots,
    })
    return json.loads(stored.result_json)


@dataclass(frozen=True)
class Split:
    """A counted mixed ballot's figures, each part apart, for the pages that show them."""

    electronic_ballots: int
    paper_issued: int
    paper_ballots: int
    # option id -> ((yes, no, abstain) electronic, the same on paper)
    parts: dict[int, tuple[tuple[int, int, int], tuple[int, int, int]]]


def split(session: Session, ballot: Ballot, result: Mapping) -> Split | None:
    """The electronic and paper parts of a counted mixed ballot's `result`; None otherwise.

    The paper part is what the teller entered; the electronic part is the sum less it."""
    if ballot.mode != BallotMode.MIXED or ballot.paper_ballots is None:
        return None
    paper = {t.option_id: (t.yes, t.no, t.abstain) for t in session.scalars(
        select(PaperTotal).where(PaperTotal.ballot_id == ballot.id))}
    parts = {}
    for row in result["rows"]:
        on_paper = paper.get(row["id"], (0, 0, 0))
        total = (row["yes"], row["no"], row["abstain"])
        parts[row["id"]] = (tuple(t - p for t, p in zip(total, on_paper, strict=True)),
                            on_paper)
    return Split(electronic_ballots=result["ballots_cast"] - ballot.paper_ballots,
                 paper_issued=count_issued(session, ballot.id),
                 paper_ballots=ballot.paper_ballots, parts=parts)
