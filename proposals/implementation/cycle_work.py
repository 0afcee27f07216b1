"""What implementation tells the stage machine (events.cycle_work_asked): projects started,
and adopted candidates still waiting for theirs."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from proposals.collection.models import Proposal, ProposalStatus
from proposals.cycles.models import Cycle
from proposals.implementation.models import Project
from proposals.shortlist.models import Candidate, CandidateSource


def on_cycle_work_asked(cycle: Cycle, *, session: Session, **_payload) -> dict[str, int]:
    """Counted in SQL, loading no object into the caller's Session (it only asks)."""
    projects = session.scalar(select(func.count(Project.id)).where(
        Project.cycle_id == cycle.id)) or 0
    # Adopted as services.is_adopted reads it: not withdrawn, a source proposal adopted.
    adopted = exists().where(CandidateSource.candidate_id == Candidate.id,
                             CandidateSource.proposal_id == Proposal.id,
                             Proposal.status == ProposalStatus.ADOPTED.value)
    waiting = session.scalar(
        select(func.count(Candidate.id)).outerjoin(Project, Project.candidate_id == Candidate.id)
        .where(Candidate.cycle_id == cycle.id, Candidate.withdrawn.is_(False),
               Project.id.is_(None), adopted)) or 0
    return {"projects": projects, "projects_awaiting": waiting}
