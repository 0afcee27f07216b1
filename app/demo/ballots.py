"""Demo ballots: counted and published for cycles past the ballot, open for the one voting now."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.collection.models import ProposalStatus
from proposals.cycles.models import Cycle
from proposals.cycles.stages import ORDER, Stage
from proposals.shortlist import services as shortlist
from proposals.shortlist.adoption import apply_outcome, ballots_of_cycle
from votes import casting, closing
from votes.ballots import Ballot
from votes.people import User, find_user, roster
from votes.rules import BallotRules

# The demo's tellers (监票人) hold the shares of each ballot's key; any two of them count it.
DEMO_TELLERS = ("official2", "official3", "official4")
DEMO_TELLER_PASSPHRASE = "yishi-teller-2027"  # noqa: S105 - the demo's, shown in the README


def demo_tellers(session: Session) -> list[tuple[User, str]]:
    return [(find_user(session, name), DEMO_TELLER_PASSPHRASE) for name in DEMO_TELLERS]


def seed_ballots(session: Session) -> int:
    """One ballot per cycle from the ballot stage on; returns how many were made.

    Votes are drawn so that the count adopts exactly the candidates the demo marked
    adopted: their delegates say yes four times in five, the others one time in four.
    """
    official = find_user(session, "official1")
    made = 0
    cycles = session.scalars(select(Cycle).order_by(Cycle.id)).all()
    for cycle in cycles:
        if ORDER.index(Stage(cycle.stage)) < ORDER.index(Stage.BALLOT):
            continue
        if ballots_of_cycle(session, cycle.id) or cycle.shortlist_submitted_at is None:
            continue
        _ballot(session, official, cycle)
        made += 1
    return made


def _ballot(session: Session, official: User, cycle: Cycle) -> Ballot:
    candidates = shortlist.candidates(session, cycle.id, include_withdrawn=False)
    rules = BallotRules(seats=cycle.seats, budget_cap=cycle.budget)
    ballot = casting.create_ballot(
        session, official, cycle.assembly, "cycle", cycle.id, f"{cycle.title}代表票决", rules,
        [{"ref_id": c.id, "title": c.title, "cost": c.estimated_cost,
          "unit": c.responsible_unit, "description": c.description} for c in candidates])
    voting_day = cycle.ballot_starts
    tellers = demo_tellers(session)
    casting.open_ballot(session, official, ballot, on=voting_day, tellers=tellers, threshold=2)
    if cycle.stage == Stage.BALLOT.value:
        return ballot  # open now: the demo's delegates can vote in it
    adopted = {c.id for c in candidates
               if any(s.proposal.status == ProposalStatus.ADOPTED.value for s in c.sources)}
    rng = random.Random(f"ballot/{cycle.title}")
    options = {o.ref_id: o.id for o in ballot.options}
    for delegate in roster(session, cycle.assembly_id, voting_day):
        if rng.random() < 0.05:
            continue  # a few stay away
        marks = {}
        for candidate_id, option_id in options.items():
            yes = rng.random() < (0.8 if candidate_id in adopted else 0.25)
            marks[option_id] = "yes" if yes else rng.choice(("no", "no", "abstain"))
        casting.cast_ballot(session, ballot.id, delegate, marks)
    closing.close_ballot(session, official, ballot,
                         unlock={teller.id: passphrase for teller, passphrase in tellers[:2]})
    closing.publish_ballot(session, official, ballot)
    apply_outcome(session, official, ballot)
    return ballot
