"""Services of the shortlist (项目初定): screen, decide with public reasons, submit, amend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.collection.models import Proposal, ProposalStatus
from proposals.collection.services import change_status, clean_text
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.shortlist.budget import BudgetView, budget_view
from proposals.shortlist.models import (
    Candidate,
    CandidateSource,
    DeclineGround,
    ProposalNote,
    ShortlistAmendment,
)
from votes.base import DomainError, utcnow
from votes.people import Role, User

NOTE_MAX = 2000
REASON_MAX = 500
UNIT_MAX = 80
FUNDING_MAX = 120
LOCATION_MAX = 120
TEXT_MAX = 4000
COST_MAX = 10**13  # yuan; a district's whole budget is far below this
# A proposal its author withdrew needs no decision either.
DECIDED = {ProposalStatus.ACCEPTED.value, ProposalStatus.MERGED.value,
           ProposalStatus.DECLINED.value, ProposalStatus.WITHDRAWN.value}


@dataclass(frozen=True)
class CandidateDraft:
    title: str
    description: str
    responsible_unit: str
    estimated_cost: int
    funding_source: str
    expected_completion: date
    location: str
    policy_basis: str = ""
    feasibility: str = ""


def _official(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")


def _screening(actor: User, cycle: Cycle) -> None:
    """Screening and shortlisting: officials, in the shortlist stage, before submission."""
    _official(actor)
    if cycle.stage != Stage.SHORTLIST.value:
        raise DomainError("not_shortlisting")
    if cycle.shortlist_submitted_at is not None:
        raise DomainError("shortlist_locked")


def _amending(actor: User, cycle: Cycle, reason: str | None, ballot_opened: bool) -> str:
    """After submission a change needs a reason, and only until the ballot opens."""
    _official(actor)
    if cycle.shortlist_submitted_at is None:
        raise DomainError("not_submitted")
    if cycle.stage not in (Stage.SHORTLIST.value, Stage.BALLOT.value) or ballot_opened:
        raise DomainError("ballot_opened")
    return clean_text(reason, "reason", REASON_MAX)


def _changes(cycle: Cycle, actor: User, reason: str | None, ballot_opened: bool) -> str | None:
    """None before submission; the amendment's reason after it."""
    if cycle.shortlist_submitted_at is None:
        _screening(actor, cycle)
        return None
    return _amending(actor, cycle, reason, ballot_opened)


def _record(session: Session, cycle: Cycle, actor: User, action: str, reason: str | None,
            candidate: Candidate, summary: str) -> None:
    if reason is not None:
        session.add(ShortlistAmendment(cycle_id=cycle.id, candidate_id=candidate.id,
                                       actor_id=actor.id, action=action, reason=reason,
                                       summary=summary))


def assign(session: Session, actor: User, proposal: Proposal, assignee: User | None) -> None:
    _screening(actor, proposal.cycle)
    if assignee is not None and not assignee.has_role(Role.OFFICIAL):
        raise DomainError("assignee_not_official")
    proposal.assignee_id = assignee.id if assignee else None
    if assignee is not None and proposal.status == ProposalStatus.SUBMITTED.value:
        change_status(session, proposal, ProposalStatus.UNDER_REVIEW, actor=actor)
    session.flush()


def add_note(session: Session, actor: User, proposal: Proposal, body: str) -> ProposalNote:
    """An internal note: officials only, never public, allowed at any stage."""
    _official(actor)
    note = ProposalNote(proposal_id=proposal.id, author_id=actor.id,
                        body=clean_text(body, "body", NOTE_MAX))
    session.add(note)
    session.flush()
    return note


def _clean(draft: CandidateDraft) -> dict:
    if not isinstance(draft.estimated_cost, int) or not 0 < draft.estimated_cost <= COST_MAX:
        raise DomainError("bad_cost", field="estimated_cost")
    if draft.expected_completion is None:
        raise DomainError("required", field="expected_completion")
    return {
        "title": clean_text(draft.title, "title", 80),
        "description": clean_text(draft.description, "description", TEXT_MAX),
        "responsible_unit": clean_text(draft.responsible_unit, "responsible_unit", UNIT_MAX),
        "estimated_cost": draft.estimated_cost,
        "funding_source": clean_text(draft.funding_source, "funding_source", FUNDING_MAX),
        "expected_completion": draft.expected_completion,
        "location": clean_text(draft.location, "location", LOCATION_MAX),
        "policy_basis": (draft.policy_basis or "").strip()[:TEXT_MAX],
        "feasibility": (draft.feasibility or "").strip()[:TEXT_MAX],
    }


def _take(session: Session, actor: User, candidate: Candidate, proposal_ids: list[int]) -> None:
    """Put proposals into a candidate; a proposal already in a candidate is refused."""
    for proposal_id in dict.fromkeys(proposal_ids):
        proposal = session.get(Proposal, proposal_id)
        if proposal is None or proposal.cycle_id != candidate.cycle_id:
            raise DomainError("not_in_cycle", id=proposal_id)
        if proposal.hidden or proposal.status in (ProposalStatus.MERGED.value,
                                                  ProposalStatus.DECLINED.value,
                                                  ProposalStatus.WITHDRAWN.value):
            raise DomainError("proposal_not_available", id=proposal_id)
        if session.get(CandidateSource, proposal_id) is not None:
            raise DomainError("already_in_candidate", id=proposal_id)
        candidate.sources.append(CandidateSource(proposal_id=proposal_id))
        session.flush()
        change_status(session, proposal, ProposalStatus.ACCEPTED, actor=actor,
                      candidate=candidate.title)


def create_candidate(session: Session, actor: User, cycle: Cycle, draft: CandidateDraft,
                     proposal_ids: list[int], *, reason: str | None = None,
                     ballot_opened: bool = False) -> Candidate:
    """Accept proposals into a new candidate project (several: they are merged into it)."""
    amendment = _changes(cycle, actor, reason, ballot_opened)
    if not proposal_ids:
        raise DomainError("no_source_proposals")
    candidate = Candidate(cycle_id=cycle.id, created_by_id=actor.id, **_clean(draft))
    session.add(candidate)
    session.flush()
    _take(session, actor, candidate, proposal_ids)
    _record(session, cycle, actor, "add", amendment, candidate,
            f"{candidate.title}（{candidate.estimated_cost} 元）")
    session.flush()
    return candidate


def update_candidate(session: Session, actor: User, candidate: Candidate, draft: CandidateDraft,
                     add_proposal_ids: list[int] = (), *, reason: str | None = None,
                     ballot_opened: bool = False) -> None:
    amendment = _changes(candidate.cycle, actor, reason, ballot_opened)
    if candidate.withdrawn:
        raise DomainError("candidate_withdrawn")
    cleaned = _clean(draft)
    changed = [key for key, value in cleaned.items() if getattr(candidate, key) != value]
    for key, value in cleaned.items():
        setattr(candidate, key, value)
    _take(session, actor, candidate, list(add_proposal_ids))
    summary = "、".join(changed) or "—"
    if add_proposal_ids:
        summary += f"；+{len(add_proposal_ids)}"
    _record(session, candidate.cycle, actor, "change", amendment, candidate, summary)
    session.flush()


def withdraw_candidate(session: Session, actor: User, candidate: Candidate, *,
                       reason: str | None = None, ballot_opened: bool = False) -> None:
    """Before submission a candidate is simply undone; after it, it is withdrawn and shown so."""
    amendment = _changes(candidate.cycle, actor, reason, ballot_opened)
    proposals = [source.proposal for source in candidate.sources]
    if amendment is None:
        session.delete(candidate)
        session.flush()
        for proposal in proposals:
            change_status(session, proposal, ProposalStatus.UNDER_REVIEW, actor=actor)
    else:
        candidate.withdrawn = True
        _record(session, candidate.cycle, actor, "withdraw", amendment, candidate,
                candidate.title)
    session.flush()


def decline(session: Session, actor: User, proposal: Proposal, ground: str,
            reason: str) -> None:
    """Decline with a public reason: a common ground plus words of explanation."""
    _screening(actor, proposal.cycle)
    try:
        ground = DeclineGround(ground).value
    except ValueError:
        raise DomainError("invalid_choice", field="ground") from None
    text = clean_text(reason, "reason", REASON_MAX)
    if session.get(CandidateSource, proposal.id) is not None:
        raise DomainError("already_in_candidate", id=proposal.id)
    if proposal.status in (ProposalStatus.MERGED.value, ProposalStatus.WITHDRAWN.value):
        raise DomainError("proposal_not_available", id=proposal.id)
    proposal.decline_ground, proposal.decline_reason = ground, text
    change_status(session, proposal, ProposalStatus.DECLINED, actor=actor, reason=text)
    session.flush()


def set_frame(session: Session, actor: User, cycle: Cycle, *, budget: int | None,
              seats: int | None) -> None:
    _screening(actor, cycle)
    if budget is not None and not 0 < budget <= COST_MAX:
        raise DomainError("bad_cost", field="budget")
    if seats is not None and not 0 < seats <= 1000:
        raise DomainError("out_of_range", field="seats", max=1000)
    cycle.budget, cycle.seats = budget, seats
    session.flush()


def candidates(session: Session, cycle_id: int, *, include_withdrawn: bool = True
               ) -> list[Candidate]:
    stmt = select(Candidate).where(Candidate.cycle_id == cycle_id)
    if not include_withdrawn:
        stmt = stmt.where(Candidate.withdrawn.is_(False))
    return list(session.scalars(stmt.order_by(Candidate.id)))


def view_budget(session: Session, cycle: Cycle) -> BudgetView:
    costs = [c.estimated_cost for c in candidates(session, cycle.id, include_withdrawn=False)]
    return budget_view(cycle.budget, cycle.seats, costs)


def undecided(session: Session, cycle_id: int) -> int:
    """Proposals still without a decision (hidden ones are out of the count)."""
    return session.scalar(
        select(func.count(Proposal.id)).where(
            Proposal.cycle_id == cycle_id, Proposal.hidden.is_(False),
            Proposal.status.not_in(DECIDED))
    ) or 0


def first_undecided(session: Session, cycle_id: int, limit: int = 10) -> list[Proposal]:
    """The first of the proposals still without a decision, by number: what holds up the
    shortlist, named (the count is `undecided`)."""
    return list(session.scalars(
        select(Proposal).where(
            Proposal.cycle_id == cycle_id, Proposal.hidden.is_(False),
            Proposal.status.not_in(DECIDED))
        .order_by(Proposal.id).limit(limit)))


def submit_shortlist(session: Session, actor: User, cycle: Cycle) -> None:
    """Lock the shortlist for the ballot: every proposal decided, budget and seats set."""
    _screening(actor, cycle)
    if cycle.budget is None or cycle.seats is None:
        raise DomainError("no_frame")
    if not candidates(session, cycle.id):
        raise DomainError("no_candidates")
    left = undecided(session, cycle.id)
    if left:
        raise DomainError("undecided_proposals", n=left)
    cycle.shortlist_submitted_at = utcnow()
    cycle.shortlist_submitted_by_id = actor.id
    session.flush()
