"""Services for cycles: create one, and move it to its next stage with a record of the move."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from proposals import events
from proposals.cycles.models import Cycle, StageTransition
from proposals.cycles.stages import Stage, StageRefused, plan_move
from votes.base import DomainError, utcnow
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


def advance_cycle(
    session: Session, cycle: Cycle, actor: User, target: str, *, now: datetime | None = None
) -> StageTransition:
    """Move the cycle one stage forward; the refusal's code says why it cannot.

    Once the move is flushed, events.cycle_stage_changed tells the other contexts.
    """
    try:
        move = plan_move(cycle.stage, target, actor_is_admin=actor.has_role(Role.ADMIN))
    except StageRefused as refused:
        raise DomainError(refused.code) from None
    transition = StageTransition(
        cycle=cycle, from_stage=move.source.value, to_stage=move.target.value,
        actor_id=actor.id, at=now or utcnow(),
    )
    cycle.stage = move.target.value
    session.add(transition)
    session.flush()
    events.cycle_stage_changed.send(cycle, session=session, actor=actor,
                                    from_stage=move.source.value, to_stage=move.target.value)
    return transition
