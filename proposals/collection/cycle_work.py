"""What collection tells the stage machine (events.cycle_work_asked): the proposals received."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.collection.models import Proposal
from proposals.cycles.models import Cycle


def on_cycle_work_asked(cycle: Cycle, *, session: Session, **_payload) -> dict[str, int]:
    """Proposals of the cycle that the public sees: a hidden one is nobody's to screen."""
    return {"proposals": session.scalar(select(func.count(Proposal.id)).where(
        Proposal.cycle_id == cycle.id, Proposal.hidden.is_(False))) or 0}
