"""Ballot services after the vote: who counts, close and count, paper totals, publish, ties."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from votes import ballot_box, ledger
from votes.ballots import (
    Ballot,
    BallotMode,
    BallotResolution,
    BallotResult,
    BallotRosterEntry,
    BallotSeal,
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
    CandidateRow,
    InvalidBallot,
    Status,
    TallyResult,
    settle_ties,
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


def store_result(session: Session, ballot: Ballot, result: TallyResult) -> BallotResult:
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


def close_ballot(
    session: Session, actor: User, ballot: Ballot, unlock: Mapping[int, str] | None = None,
) -> dict[str, object]:
    """End voting, count the electronic ballots and store the result; returns the result.

    A sealed ballot needs `unlock`: {teller id: passphrase} of at least its threshold of
    tellers. Its boxes are opened, stored as cast ballots in tracker order, and the boxes and
    the key shares deleted, all in this transaction.
    """
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_teller(actor, ballot)
    if ballot.status != BallotStatus.OPEN:
        raise DomainError("not_open")
    if ballot.mode == BallotMode.MIXED:  # closed with its paper count: votes.mixed
        raise DomainError("paper_count_required")
    seal = session.get(BallotSeal, ballot.id)
    if seal is not None:
        rows = ballot_box.open_sealed(session, ballot, seal, unlock or {})
    else:
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
    stored = store_result(session, ballot, result)
    ballot_box.store_in_tracker_order(session, ballot.id, rows)
    if ballot.rules.secret:
        ballot_box.rewrite_voters(session, ballot.id)
    ballot_box.after_commit_truncate_wal(session)
    from votes.bulletin import stored_roll_call_hash  # bulletin reads this module's results

    ledger.append(session, ballot.id, "closed", {
        "mode": ballot.mode, "ballots_cast": ballot.ballots_cast, "entitled": ballot.entitled,
        "present": ballot.present, "result_hash": stored.result_hash, "at": iso(ballot.closed_at),
        # A roll call's {delegate: choices}, so that swapping two delegates' votes shows.
        **({} if ballot.rules.secret
           else {"roll_call_hash": stored_roll_call_hash(session, ballot.id)}),
    })
    return json.loads(stored.result_json)


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
    if ballot.mode == BallotMode.MIXED:
        raise DomainError("paper_count_required")
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
    stored = store_result(session, ballot, result)
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
# A tie at the cut-off is settled by a lawful resolution or a run-off; selection then goes on
# down the ranking with the seats and budget left (votes.rules.continue_selection), and may
# stop at a further tie, settled the same way: one BallotResolution per step.


@dataclass(frozen=True)
class Settlement:
    """One settled tie of a ballot, and where selection went from there."""

    resolution: BallotResolution
    tie: list[int]  # the tie it settled
    adopted: list[int]  # those of the tie the settlement adopted
    continued: list[int]  # adopted by selection continuing below it
    skipped_budget: list[int]  # passed, below it, no longer fitting the budget
    seats_left: int
    budget_left: int | None
    tie_pending: list[int]  # the further tie it led to, [] when none
    recorded: bool  # False: a run-off's outcome is in but not yet written to the ledger


@dataclass(frozen=True)
class TieState:
    """Where a counted ballot stands once its settled ties are taken into account."""

    adopted: list[int]  # the count's, then each settlement's and continuation's
    tie_pending: list[int]  # the tie waiting to be settled now, [] when none
    seats_left: int
    budget_left: int | None
    steps: list[Settlement]
    runoff: BallotResolution | None  # the run-off under way for the pending tie, if any

    @property
    def unrecorded(self) -> Settlement | None:
        return self.steps[-1] if self.steps and not self.steps[-1].recorded else None


def _count_rows(result: Mapping) -> list[CandidateRow]:
    return [CandidateRow(r["id"], r["cost"], r["yes"], r["no"], r["abstain"], r["base"],
                         r["needed"], r["passed"], Status(r["status"]), r["rank"])
            for r in result["rows"]]


def _runoff_outcome(session: Session, ballot: Ballot,
                    resolution: BallotResolution) -> list[int] | None:
    """The options of `ballot` its run-off adopted, or None while it has not settled the
    tie: until it is published and any tie of its own is settled in turn."""
    runoff = session.get(Ballot, resolution.runoff_ballot_id)
    if runoff is None or runoff.published_at is None:
        return None
    state = tie_state(session, runoff)
    if state.tie_pending:
        return None
    ours = {(o.ref_id, o.title): o.id for o in ballot.options}
    theirs = {o.id: (o.ref_id, o.title) for o in runoff.options}
    return [ours[theirs[i]] for i in state.adopted if theirs[i] in ours]


def tie_state(session: Session, ballot: Ballot) -> TieState:
    """The count, replayed with every settlement of its ties so far (`rules.settle_ties`)."""
    result = ballot_result(session, ballot)
    resolutions = session.scalars(select(BallotResolution).where(
        BallotResolution.ballot_id == ballot.id).order_by(BallotResolution.step)).all()
    settlements: list[list[int]] = []
    used: list[tuple[BallotResolution, bool]] = []
    under_way = None
    for resolution in resolutions:
        if resolution.kind == ResolutionKind.LAWFUL or resolution.settled_at is not None:
            settlements.append(json.loads(resolution.adopted_json))
            used.append((resolution, True))
            continue
        outcome = _runoff_outcome(session, ballot, resolution)
        if outcome is None:
            under_way = resolution
            break
        settlements.append(outcome)
        used.append((resolution, False))
    settled = settle_ties(ballot.rules, _count_rows(result), settlements)
    steps = [
        Settlement(resolution=resolution, tie=list(step.tie), adopted=list(step.adopted),
                   continued=list(step.continuation.adopted),
                   skipped_budget=list(step.continuation.skipped_budget),
                   seats_left=step.continuation.seats_left,
                   budget_left=step.continuation.budget_left,
                   tie_pending=list(step.continuation.tie_pending), recorded=recorded)
        for (resolution, recorded), step in zip(used, settled.steps, strict=True)
    ]
    return TieState(adopted=list(settled.adopted), tie_pending=list(settled.tie_pending),
                    seats_left=settled.seats_left, budget_left=settled.budget_left,
                    steps=steps, runoff=under_way)


def _log_settlement(session: Session, actor: User, ballot: Ballot, step: Settlement) -> None:
    resolution = step.resolution
    payload = {"step": resolution.step, "adopted": step.adopted, "reason": resolution.reason,
               "actor_id": actor.id, "continued": step.continued,
               "seats_left": step.seats_left, "budget_left": step.budget_left,
               "tie_pending": step.tie_pending}
    if resolution.runoff_ballot_id is not None:
        payload["runoff_ballot_id"] = resolution.runoff_ballot_id
    ledger.append(session, ballot.id, "tie_resolved", payload)


def _record_runoff(session: Session, actor: User, ballot: Ballot, step: Settlement) -> None:
    step.resolution.adopted_json = json.dumps(step.adopted)
    step.resolution.settled_at = utcnow()
    session.flush()
    _log_settlement(session, actor, ballot, step)


def _tie(session: Session, actor: User, ballot: Ballot) -> tuple[Ballot, BallotRules, TieState]:
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_counter(session, actor, ballot)
    state = tie_state(session, ballot)
    if state.unrecorded is not None:  # a run-off settled the last tie: the ledger says so first
        _record_runoff(session, actor, ballot, state.unrecorded)
    if state.runoff is not None:
        raise DomainError("already_resolved")
    if not state.tie_pending:
        raise DomainError("no_tie")
    return ballot, ballot.rules, state


def resolve_tie(
    session: Session, actor: User, ballot: Ballot, adopt: Sequence[int], reason: str
) -> BallotResolution:
    """Record how the pending tie was lawfully settled outside the ballot, with its reason;
    selection then goes on below it, and the ledger entry says what that adopted."""
    ballot, rules, state = _tie(session, actor, ballot)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required")
    chosen = list(dict.fromkeys(int(a) for a in adopt))
    tied = set(state.tie_pending)
    if not set(chosen) <= tied:
        raise DomainError("not_tied", options=sorted(set(chosen) - tied))
    if len(chosen) > state.seats_left:
        raise DomainError("too_many_adopted", seats=state.seats_left)
    cost = {o.id: o.cost for o in ballot.options}
    if state.budget_left is not None and sum(cost[c] for c in chosen) > state.budget_left:
        raise DomainError("over_budget", budget=state.budget_left)
    resolution = BallotResolution(ballot_id=ballot.id, step=len(state.steps) + 1,
                                  kind=ResolutionKind.LAWFUL.value,
                                  adopted_json=json.dumps(chosen), reason=reason,
                                  actor_id=actor.id, settled_at=utcnow())
    session.add(resolution)
    session.flush()
    _log_settlement(session, actor, ballot, tie_state(session, ballot).steps[-1])
    return resolution


def start_runoff(
    session: Session, actor: User, ballot: Ballot, *, title: str | None = None,
    reason: str = "tie at the cut-off: run-off among the tied options",
) -> Ballot:
    """A new draft ballot among the tied options, same rules, for the seats and budget still
    open; never more seats than tied options (a tie the budget caused may leave more)."""
    ballot, rules, state = _tie(session, actor, ballot)
    tied = list(state.tie_pending)
    seats = min(state.seats_left, len(tied))
    max_sel = None if rules.max_selections is None else min(rules.max_selections, seats)
    runoff_rules = replace(
        rules, seats=seats,
        budget_cap=state.budget_left or None,  # 0 left: the tied options all cost 0
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
    step = len(state.steps) + 1
    session.add(BallotResolution(ballot_id=ballot.id, step=step, kind=ResolutionKind.RUNOFF.value,
                                 reason=reason, runoff_ballot_id=runoff.id, actor_id=actor.id))
    session.flush()
    ledger.append(session, ballot.id, "runoff_started",
                  {"runoff_ballot_id": runoff.id, "options": tied, "seats": seats,
                   "budget_cap": runoff_rules.budget_cap, "reason": reason, "step": step})
    return runoff


def record_runoff_outcome(session: Session, actor: User, ballot: Ballot) -> Settlement:
    """Write down in `ballot` how its published run-off settled the tie, and what selection
    continuing below it adopted (ledger `tie_resolved`)."""
    begin_write(session)
    ballot = lock_ballot(session, ballot.id)
    require_counter(session, actor, ballot)
    state = tie_state(session, ballot)
    step = state.unrecorded
    if step is None:
        raise DomainError("runoff_unsettled" if state.runoff is not None else "no_tie")
    _record_runoff(session, actor, ballot, step)
    return step


def record_runoff_upwards(session: Session, actor: User, ballot: Ballot) -> list[Ballot]:
    """Once a run-off is published, or its own tie settled: record its outcome in the ballot
    whose tie it settles, and so on up a chain of run-offs, as far as `actor` may settle those
    ballots' ties. Returns the ballots it recorded in (call within the same transaction)."""
    recorded: list[Ballot] = []
    seen = {ballot.id}
    while ballot.subject_type == "runoff" and ballot.subject_id not in seen:
        parent = session.get(Ballot, ballot.subject_id)
        if (parent is None or parent.status not in COUNTED
                or count_refusal(session, actor, parent) is not None):
            break
        parent = lock_ballot(session, parent.id)
        step = tie_state(session, parent).unrecorded
        if step is None or step.resolution.runoff_ballot_id != ballot.id:
            break
        _record_runoff(session, actor, parent, step)
        recorded.append(parent)
        seen.add(parent.id)
        ballot = parent
    return recorded


def adopted_option_ids(session: Session, ballot: Ballot) -> list[int]:
    """Adopted by the count, then by each settled tie (a lawful resolution, or a published
    run-off whose options carry the same references) and by selection continuing below it."""
    return tie_state(session, ballot).adopted
