"""Reading cycles for the public: the ones still running, a year's, and a stage's planned days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage, next_stage


@dataclass(frozen=True)
class StageWindow:
    """Where a cycle stands: its stage and the days planned for it (no end once closed)."""

    stage: Stage
    starts: date
    ends: date | None


def stage_window(cycle: Cycle) -> StageWindow:
    """The cycle's stage runs from its planned start to the planned start of the next one."""
    stage = Stage(cycle.stage)
    following = next_stage(stage)
    return StageWindow(stage, cycle.planned_start(stage),
                       None if following is None else cycle.planned_start(following))


def current_cycles(session: Session, *, limit: int = 6) -> list[Cycle]:
    """Cycles not yet closed, newest first, with their assembly: two queries."""
    return list(session.scalars(
        select(Cycle).where(Cycle.stage != Stage.CLOSED.value)
        .options(selectinload(Cycle.assembly))
        .order_by(Cycle.year.desc(), Cycle.id.desc()).limit(limit)))


def latest_year(session: Session, up_to: int) -> int | None:
    """The latest cycle year not after `up_to`: this year's, or else the last one run."""
    return session.scalar(select(func.max(Cycle.year)).where(Cycle.year <= up_to))


def cycles_of_year(session: Session, year: int) -> list[Cycle]:
    return list(session.scalars(select(Cycle).where(Cycle.year == year).order_by(Cycle.id)))
