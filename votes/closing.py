"""Ballot services after the vote: who counts, close and count, paper totals, publish, ties."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from votes import ledger
from votes.ballots import (
    Ballot,
    BallotMode,
    BallotResolution,
    BallotResult,
    BallotRosterEntry,
    BallotStatus,
    CastBallot,
    PaperTotal,
    ResolutionKind,
    VoterRecord,
)
from votes.base import DomainError, utcnow
from votes.casting import (
    CYCLE_BALLOT,
    begin_write,
    create_ballot,
    decode_choices,
    iso,
    lock_ballot,
    options_of,
    require_teller,
    roster_entry,
)
from votes.people import Role, User
from votes.rules import (
    BallotRules,
    CandidateInput,
    InvalidBallot,
    TallyResult,
    tally,
    tally_from_totals,
)

COUNTED = (BallotStatus.CLOSED, BallotStatus.PUBLISHED)


# --- who counts ------------------------------------------------------------------------------


def count_refusal(session: Session, actor: User, ballot: Ballot) -> DomainError | None:
    """Why `actor` may not enter the ballot's paper count or settle its tie, or None.

    Both are judgements on a count, not steps of running the vote: where the ballot names a
    teller, that teller alone makes them, not any official; else an official does. In a
    cycle's ballot nobody on its roster does, since they would count or settle their own vote.
    """
    if ballot.teller_id is not None:
        if actor.id != ballot.teller_id:
            return DomainError("forbidden", why="not_the_teller")
    elif not actor.has_role(Role.OFFICIAL):
        return DomainError("forbidden", why="not_an_official")
    if ballot.subject_type == CYCLE_BALLOT and roster_entry(session, ballot.id, actor.id):
        return DomainError("forbidden", why="teller_on_roster")
    return None


def require_counter(session: Session, actor: User, ballot: Ballot) -> None:
    refusal = count_refusal(session, actor, ballot)
    if refusal is not None:
        raise refusal


# --- the count -------------------------------------------------------------------------------


def result_dict(result: TallyResult) -> dict[str, object]:
    """The stored and published form of a count: plain JSON values, option ids as ints."""
    return {
        "valid": result.valid, "reason": result.reason, "ballots_cast": result.ballots_cast,
        "entitled": result.entitled, "present": result.present,
        "rows": [
            {"id": r.id, "cost": r.cost, "yes": r.yes, "no": r.no, "abstain": r.abstain,
             "base": r.base, "needed": r.needed, "passed": r.passed, "status": r.status.value,
             "rank": r.rank}
            for r in result.rows
        ],
        "adopted": list(result.adopted), "tie_pending": list(result.tie_pending),
        "total_adopted_cost": result.total_adopted_cost,
    }


def count_present(session: Session, ballot_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(BallotRosterEntry)
        .where(BallotRosterEntry.ballot_id == ballot_id, BallotRosterEntry.present.is_(True))
    ) or 0


def count_voters(session: Session, ballot_id: int) -> int:
    return session.scalar(
        select(func.count()).select_from(VoterRecord).where(VoterRecord.ballot_id == ballot_id)
    ) or 0


def candidates_of(session: Session, ballot: Ballot) -> list[CandidateInput]:
    return [CandidateInput(o.id, o.cost) for o in options_of(session, ballot)]


def _store_result(session: Session, ballot: Ballot, result: TallyResult) -> BallotResult:
    text = ledger.canonical_json(result_dict(result))
    stored = BallotResult(ballot_id=ballot.id, result_json=text,
                          result_hash=ledger.sha256_hex(text))
    session.add(stored)
    ballot.present = result.present
    ballot.ballots_cast = result.ballots_cast
    ballot.closed_at = utcnow()
    ballot.status = BallotStatus.CLOSED.value
    session.flush()
    return stored


def close_ballot(session: Session, actor: User, ballot: Ballot) -> dict[str, object]:
    """End voting, count the electronic ballots and store the result; returns the result."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    rows = session.execute(
        select(CastBallot.id, CastBallot.tracker, CastBallot.choices, CastBallot.hash)
        .where(CastBallot.ballot_id == ballot.id)
    ).all()
    if len(rows) != count_voters(session, ballot.id):
        raise DomainError("ballot_count_mismatch")
    try:
        result = tally(ballot.rules, candidates_of(session, ballot),
                       (decode_choices(r.choices) for r in rows), ballot.entitled or 0,
                       count_present(session, ballot.id))
    except InvalidBallot as exc:
        raise DomainError("invalid_stored_ballot", detail=exc.code) from None
    stored = _store_result(session, ballot, result)
    _rewrite_in_tracker_order(session, ballot.id, rows)
    ledger.append(session, ballot.id, "closed", {
        "mode": ballot.mode, "ballots_cast": ballot.ballots_cast, "entitled": ballot.entitled,
        "present": ballot.present, "result_hash": stored.result_hash, "at": iso(ballot.closed_at),
    })
    return json.loads(stored.result_json)


def _rewrite_in_tracker_order(session: Session, ballot_id: int, rows: Sequence) -> None:
    # PostgreSQL keeps rows in the heap in insertion order, each stamped with the inserting
    # transaction (xmin), which a voter record from the same transaction shares. Deleting
    # and re-inserting every ballot, sorted by tracker, in this one transaction leaves the
    # live rows in tracker order with a single xmin. Plain SQL: the ORM refuses to touch them.
    session.execute(delete(CastBallot).where(CastBallot.ballot_id == ballot_id)
                    .execution_options(synchronize_session=False))
    if rows:
        session.execute(insert(CastBallot), [
            {"id": r.id, "ballot_id": ballot_id, "tracker": r.tracker, "choices": r.choices,
             "hash": r.hash}
            for r in sorted(rows, key=lambda r: r.tracker)
        ])


def enter_paper_totals(
    session: Session, actor: User, ballot: Ballot,
    totals: Mapping[object, Sequence[int]], *, ballots_cast: int, present: int,
) -> dict[str, object]:
    """Record a paper ballot's count, checked against the roster, and close the ballot with it.

    `totals` maps each option id to (yes, no, abstain); `present` is the hall's attendance.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_counter(session, actor, ballot)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    if count_voters(session, ballot.id):
        raise DomainError("electronic_ballots_cast")
    for name, value in (("ballots_cast", ballots_cast), ("present", present)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DomainError("invalid_totals", detail=f"{name} must be a non-negative integer")
    entitled = ballot.entitled or 0
    if ballots_cast > entitled:
        raise DomainError("more_ballots_than_voters", ballots_cast=ballots_cast, entitled=entitled)
    if present > entitled:
        raise DomainError("present_exceeds_roster", present=present, entitled=entitled)
    if ballots_cast > present:
        raise DomainError("more_ballots_than_present", ballots_cast=ballots_cast, present=present)
    checked_in = count_present(session, ballot.id)
    if present < checked_in:
        raise DomainError("present_below_check_ins", present=present, checked_in=checked_in)
    keyed = {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in totals.items()}
    try:
        result = tally_from_totals(ballot.rules, candidates_of(session, ballot),
                                   {k: tuple(v) for k, v in keyed.items()},
                                   ballots_cast, entitled, present)
    except (ValueError, TypeError) as exc:
        raise DomainError("invalid_totals", detail=str(exc)) from None
    session.add_all(
        PaperTotal(ballot_id=ballot.id, option_id=row.id, yes=row.yes, no=row.no,
                   abstain=row.abstain, entered_by_id=actor.id)
        for row in result.rows
    )
    ballot.mode = BallotMode.PAPER.value
    stored = _store_result(session, ballot, result)
    ledger.append(session, ballot.id, "closed", {
        "mode": ballot.mode, "ballots_cast": ballots_cast, "entitled": entitled,
        "present": present, "result_hash": stored.result_hash, "at": iso(ballot.closed_at),
        "totals": {str(r.id): [r.yes, r.no, r.abstain] for r in result.rows},
    })
    return json.loads(stored.result_json)


def ballot_result(session: Session, ballot: Ballot) -> dict[str, object]:
    """The stored count; refused with not_closed while the ballot is a draft or open."""
    if ballot.status not in COUNTED:
        raise DomainError("not_closed")
    stored = session.get(BallotResult, ballot.id)
    if stored is None:
        raise DomainError("not_closed")
    return json.loads(stored.result_json)


def publish_ballot(session: Session, actor: User, ballot: Ballot) -> BallotResult:
    """Build and store bulletin.json, and seal its digest with the result hash in the ledger."""
    from votes.bulletin import build_bulletin  # bulletin reads this module's results

    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.CLOSED:
        raise DomainError("not_closed")
    ballot.published_at = utcnow()
    ballot.status = BallotStatus.PUBLISHED.value
    session.flush()
    text = ledger.canonical_json(build_bulletin(session, ballot))
    stored = session.get(BallotResult, ballot.id)
    stored.bulletin_json = text
    stored.bulletin_digest = ledger.sha256_hex(text)
    session.flush()
    ledger.append(session, ballot.id, "published", {
        "bulletin_digest": stored.bulletin_digest, "result_hash": stored.result_hash,
        "at": iso(ballot.published_at),
    })
    return stored


# --- ties -----------------------------------------------------------------------------------


def _tie(session: Session, actor: User, ballot: Ballot) -> tuple[Ballot, dict, BallotRules]:
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_counter(session, actor, ballot)
    result = ballot_result(session, ballot)
    if not result["tie_pending"]:
        raise DomainError("no_tie")
    if session.scalar(select(BallotResolution.id).where(BallotResolution.ballot_id == ballot.id)):
        raise DomainError("already_resolved")
    return ballot, result, ballot.rules


def _left(rules: BallotRules, result: Mapping) -> tuple[int, int | None]:
    seats_left = rules.seats - len(result["adopted"])
    budget_left = (None if rules.budget_cap is None
                   else rules.budget_cap - int(result["total_adopted_cost"]))
    return seats_left, budget_left


def resolve_tie(
    session: Session, actor: User, ballot: Ballot, adopt: Sequence[int], reason: str
) -> BallotResolution:
    """Record how a tie at the cut-off was lawfully settled outside the ballot, with its reason."""
    ballot, result, rules = _tie(session, actor, ballot)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required")
    chosen = list(dict.fromkeys(int(a) for a in adopt))
    tied = set(result["tie_pending"])
    if not set(chosen) <= tied:
        raise DomainError("not_tied", options=sorted(set(chosen) - tied))
    seats_left, budget_left = _left(rules, result)
    if len(chosen) > seats_left:
        raise DomainError("too_many_adopted", seats=seats_left)
    cost = {row["id"]: row["cost"] for row in result["rows"]}
    if budget_left is not None and sum(cost[c] for c in chosen) > budget_left:
        raise DomainError("over_budget", budget=budget_left)
    resolution = BallotResolution(ballot_id=ballot.id, kind=ResolutionKind.LAWFUL.value,
                                  adopted_json=json.dumps(chosen), reason=reason,
                                  actor_id=actor.id)
    session.add(resolution)
    session.flush()
    ledger.append(session, ballot.id, "tie_resolved",
                  {"adopted": chosen, "reason": reason, "actor_id": actor.id})
    return resolution


def start_runoff(
    session: Session, actor: User, ballot: Ballot, *, title: str | None = None,
    reason: str = "tie at the cut-off: run-off among the tied options",
) -> Ballot:
    """A new draft ballot among the tied options, same rules, for the seats still open."""
    ballot, result, rules = _tie(session, actor, ballot)
    tied = list(result["tie_pending"])
    seats_left, budget_left = _left(rules, result)
    max_sel = None if rules.max_selections is None else min(rules.max_selections, seats_left)
    runoff_rules = replace(
        rules, seats=seats_left,
        budget_cap=budget_left if budget_left else None,  # 0 left: tied options all cost 0
        max_selections=max_sel,
        min_selections=min(rules.min_selections, max_sel or len(tied), len(tied)),
    )
    by_id = {o.id: o for o in options_of(session, ballot)}
    runoff = create_ballot(
        session, actor, ballot.assembly, "runoff", ballot.id,
        title or f"{ballot.title}（再次投票）", runoff_rules,
        [{"title": by_id[i].title, "cost": by_id[i].cost, "unit": by_id[i].unit,
          "description": by_id[i].description, "ref_id": by_id[i].ref_id} for i in tied],
    )
    session.add(BallotResolution(ballot_id=ballot.id, kind=ResolutionKind.RUNOFF.value,
                                 reason=reason, runoff_ballot_id=runoff.id, actor_id=actor.id))
    session.flush()
    ledger.append(session, ballot.id, "runoff_started",
                  {"runoff_ballot_id": runoff.id, "options": tied, "seats": seats_left,
                   "reason": reason})
    return runoff


def adopted_option_ids(session: Session, ballot: Ballot) -> list[int]:
    """Adopted by the count, plus those a tie at the cut-off settled: by a lawful
    resolution, or by a published run-off (whose options carry the same references)."""
    adopted = list(ballot_result(session, ballot)["adopted"])
    resolution = session.scalar(select(BallotResolution).where(
        BallotResolution.ballot_id == ballot.id))
    if resolution is not None and resolution.kind == "lawful":
        adopted += json.loads(resolution.adopted_json)
    elif resolution is not None and resolution.runoff_ballot_id is not None:
        runoff = session.get(Ballot, resolution.runoff_ballot_id)
        if runoff is not None and runoff.published_at is not None:
            ours = {(o.ref_id, o.title): o.id for o in ballot.options}
            theirs = {o.id: (o.ref_id, o.title) for o in runoff.options}
            adopted += [ours[theirs[i]] for i in adopted_option_ids(session, runoff)
                        if theirs[i] in ours]
    return adopted
