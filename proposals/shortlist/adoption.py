"""The bridge between shortlist and ballot: put the candidates to the vote, then mark what
was adopted (the candidates' proposals become adopted and their people are told)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.collection.models import ProposalStatus
from proposals.collection.services import change_status
from proposals.cycles.models import Cycle
from proposals.shortlist.models import Candidate
from proposals.shortlist.services import candidates
from votes import casting
from votes.ballots import Ballot
from votes.base import DomainError
from votes.closing import adopted_option_ids
from votes.people import User
from votes.rules import BallotRules


def put_to_ballot(session: Session, actor: User, cycle: Cycle, title: str,
                  rules: BallotRules) -> Ballot:
    """The submitted shortlist's candidates (withdrawn ones left out) as a draft ballot of the
    cycle's assembly; each option keeps its candidate's id, cost, unit and description."""
    options = [{"ref_id": c.id, "title": c.title, "cost": c.estimated_cost,
                "unit": c.responsible_unit, "description": c.description}
               for c in candidates(session, cycle.id, include_withdrawn=False)]
    return casting.create_ballot(session, actor, cycle.assembly, "cycle", cycle.id, title,
                                 rules, options)


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
