"""What evaluation tells the stage machine (events.cycle_work_asked): rating rounds opened and
still open for the cycle's projects."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.cycles.models import Cycle
from proposals.evaluation.models import EvaluationRound
from proposals.implementation.models import Project


def on_cycle_work_asked(cycle: Cycle, *, session: Session, **_payload) -> dict[str, int]:
    rounds = (select(func.count()).select_from(EvaluationRound)
              .join(Project, Project.id == EvaluationRound.project_id)
              .where(Project.cycle_id == cycle.id))
    return {"rounds": session.scalar(rounds) or 0,
            "rounds_open": session.scalar(rounds.where(EvaluationRound.closed_at.is_(None)))
            or 0}
