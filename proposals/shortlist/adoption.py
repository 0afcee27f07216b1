"""From a counted ballot to adopted projects: mark the candidates' proposals adopted."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.collection.models import ProposalStatus
from proposals.collection.services import change_status
from proposals.cycles.models import Cycle
from proposals.shortlist.models import Candidate
from votes.ballots import Ballot, BallotResolution
from votes.base import DomainError
from votes.closing import ballot_result
from votes.people import User


def ballots_of_cycle(db: Session, cycle_id: int) -> list[Ballot]:
    """A cycle's ballots: its own, then any run-offs of it."""
    main = db.scalars(select(Ballot).where(Ballot.subject_type == "cycle",
                                           Ballot.subject_id == cycle_id)
                      .order_by(Ballot.id)).all()
    runoffs = db.scalars(select(Ballot).where(Ballot.subject_type == "runoff",
                                              Ballot.subject_id.in_([b.id for b in main]))
                         .order_by(Ballot.id)).all() if main else []
    return [*main, *runoffs]


def cycle_of(session: Session, ballot: Ballot) -> Cycle | None:
    """The cycle a ballot decides: directly, or through the ballot a run-off settles."""
    seen = set()
    while ballot.subject_type == "runoff" and ballot.subject_id not in seen:
        seen.add(ballot.subject_id)
        ballot = session.get(Ballot, ballot.subject_id)
    if ballot is None or ballot.subject_type != "cycle":
        return None
    return session.get(Cycle, ballot.subject_id)


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


def apply_outcome(session: Session, actor: User, ballot: Ballot) -> list[Candidate]:
    """Mark the source proposals of every adopted candidate adopted, and tell their people."""
    cycle = cycle_of(session, ballot)
    if cycle is None:
        return []
    if ballot.published_at is None:
        raise DomainError("not_published")
    refs = {o.id: o.ref_id for o in ballot.options}
    adopted = []
    for option_id in adopted_option_ids(session, ballot):
        candidate = session.get(Candidate, refs.get(option_id))
        if candidate is None or candidate.cycle_id != cycle.id:
            continue
        adopted.append(candidate)
        for source in candidate.sources:
            if source.proposal.status != ProposalStatus.ADOPTED.value:
                change_status(session, source.proposal, ProposalStatus.ADOPTED, actor=actor,
                              candidate=candidate.title)
    session.flush()
    return adopted
