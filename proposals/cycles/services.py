"""Services for cycles: create one, and move it a stage on or back, with a record of the move."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals import events
from proposals.cycles import stages
from proposals.cycles.models import Cycle, StageTransition
from proposals.cycles.stages import (
    Missing,
    Move,
    Stage,
    StageRefused,
    StageWork,
    plan_move,
    plan_move_back,
)
from votes.ballots import Ballot, BallotStatus
from votes.base import DomainError, utcnow
from votes.closing import tie_state
from votes.people import Assembly, Role, User


def create_cycle(
    session: Session, actor: User, *, assembly: Assembly, title: str, year: int,
    dates: dict[Stage, date],
) -> Cycle:
    if not actor.has_role(Role.ADMIN):
        raise DomainError("forbidden")
    ordered = [dates[s] for s in Stage]
    if ordered != sorted(ordered):
        raise DomainError("dates_out_of_order")
    cycle = Cycle(
        assembly=assembly, title=title, year=year, stage=Stage.COLLECTION.value,
        collection_starts=dates[Stage.COLLECTION], shortlist_starts=dates[Stage.SHORTLIST],
        ballot_starts=dates[Stage.BALLOT], implementation_starts=dates[Stage.IMPLEMENTATION],
        evaluation_starts=dates[Stage.EVALUATION], closes_on=dates[Stage.CLOSED],
    )
    session.add(cycle)
    session.flush()
    return cycle


# --- how far the cycle's work has got ---------------------------------------------------------

def _ballots(session: Session, cycle_id: int) -> tuple[list[Ballot], list[Ballot]]:
    """The cycle's own ballots, and every run-off drawn from them (run-offs of run-offs too)."""
    own = list(session.scalars(select(Ballot).where(
        Ballot.subject_type == "cycle", Ballot.subject_id == cycle_id).order_by(Ballot.id)))
    runoffs: list[Ballot] = []
    parents = [b.id for b in own]
    while parents:
        found = list(session.scalars(select(Ballot).where(
            Ballot.subject_type == "runoff", Ballot.subject_id.in_(parents))
            .order_by(Ballot.id)))
        found = [b for b in found if b not in runoffs]
        runoffs.extend(found)
        parents = [b.id for b in found]
    return own, runoffs


def _ballot_work(session: Session, cycle_id: int) -> dict[str, int]:
    own, runoffs = _ballots(session, cycle_id)
    published = [b for b in own if b.status == BallotStatus.PUBLISHED.value]
    return {
        "ballots_opened": sum(b.status != BallotStatus.DRAFT.value for b in own + runoffs),
        "ballots_published": len(published),
        "ballots_unfinished": sum(b.status in (BallotStatus.OPEN.value, BallotStatus.CLOSED.value)
                                  for b in own + runoffs),
        "ties_unsettled": sum(bool(tie_state(session, b).tie_pending) for b in published),
    }


def stage_work(session: Session, cycle: Cycle) -> StageWork:
    """The counts the stage machine reads: the cycle's own and its ballots', then those of the
    contexts downstream, which answer events.cycle_work_asked (connected by proposals.wiring)."""
    counts: dict[str, int | bool] = {"shortlist_submitted": cycle.shortlist_submitted_at
                                     is not None, **_ballot_work(session, cycle.id)}
    for _receiver, answer in events.cycle_work_asked.send(cycle, session=session):
        counts.update(answer or {})
    return StageWork(**counts)


def work_left(session: Session, cycle: Cycle) -> tuple[Missing, ...]:
    """What must still be done before the cycle may move to its next stage."""
    return stages.work_left(Stage(cycle.stage), stage_work(session, cycle))


def back_refusals(session: Session, cycle: Cycle) -> tuple[Missing, ...]:
    """Why the cycle may not move back to its previous stage; () when it may."""
    return stages.back_refusals(Stage(cycle.stage), stage_work(session, cycle))


# --- moves ------------------------------------------------------------------------------------

def _record(session: Session, cycle: Cycle, actor: User, move: Move, *,
            reason: str | None, now: datetime | None) -> StageTransition:
    transition = StageTransition(
        cycle=cycle, from_stage=move.source.value, to_stage=move.target.value,
        actor_id=actor.id, at=now or utcnow(), reason=reason,
    )
    cycle.stage = move.target.value
    session.add(transition)
    session.flush()
    events.cycle_stage_changed.send(cycle, session=session, actor=actor,
                                    from_stage=move.source.value, to_stage=move.target.value)
    return transition


def advance_cycle(
    session: Session, cycle: Cycle, actor: User, target: str, *, now: datetime | None = None,
    check_work: bool = True,
) -> StageTransition:
    """Move the cycle one stage forward once its stage's work is done; the refusal's code
    says why it cannot (the first thing still to do, stages.work_left).

    `check_work=False` is for code that writes a stage's record after the move (the demo's
    past years, test fixtures that skip a stage's work); people always move with the check.
    Once the move is flushed, events.cycle_stage_changed tells the other contexts.
    """
    try:
        move = plan_move(cycle.stage, target, actor_is_admin=actor.has_role(Role.ADMIN))
        if check_work:
            stages.check_work(move.source, stage_work(session, cycle))
    except StageRefused as refused:
        raise DomainError(refused.code, **refused.params) from None
    return _record(session, cycle, actor, move, reason=None, now=now)


def move_cycle_back(
    session: Session, cycle: Cycle, actor: User, target: str, reason: str | None, *,
    now: datetime | None = None,
) -> StageTransition:
    """Move the cycle back to its previous stage, for a reason kept with the move; refused
    once the later stage's record has begun (stages.back_refusals)."""
    try:
        move = plan_move_back(cycle.stage, target, actor_is_admin=actor.has_role(Role.ADMIN))
        text = stages.clean_reason(reason)
        stages.check_back(move.source, stage_work(session, cycle))
    except StageRefused as refused:
        raise DomainError(refused.code, **refused.params) from None
    return _record(session, cycle, actor, move, reason=text, now=now)
