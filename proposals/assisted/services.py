"""Entering for a resident, and the resident's confirmation.

Staff at a counter, on a visit or on the phone may enter a proposal, a co-sign or a rating in
a resident's name. When that resident has a confirmed mobile number, nothing they did not
say themselves may count as theirs: the entry waits, the resident is sent a code (by the web
shell, through the outbox), and only their confirmation with that code makes it count —

- a proposal entered in their name stands at once (it may be a caller's words), marked
  "entered by staff, not yet confirmed" until they confirm;
- a co-sign or a rating is not counted at all until they confirm: the co-sign is made, and
  the rating given, only then, by the rules of that moment (the proposal still open, the
  round still open, the resident still verified); too late, and the entry lapses.

A resident without a number (an assisted account, votes.people) cannot be sent a code: what
staff enter for them counts at once, recorded as entered by whom.

"This was not me" declines an entry: nothing of it counts, a proposal loses its link to the
resident, and officials see the refusal.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.assisted.models import AssistedEntry, Kind, State
from proposals.collection import services as collection
from proposals.collection.models import Cosign, Proposal
from proposals.evaluation import rating
from proposals.evaluation.models import COMMENT_MAX
from proposals.evaluation.satisfaction import Level
from proposals.implementation.models import Project
from votes.base import DomainError, utcnow
from votes.mobiles import has_confirmed_mobile
from votes.people import Role, User


def _require_staff(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")


def needs_confirmation(resident: User) -> bool:
    """Whether what staff enter for this person waits for their code."""
    return has_confirmed_mobile(resident)


def _pending(session: Session, resident: User, kind: Kind, **where) -> AssistedEntry | None:
    return session.scalar(select(AssistedEntry).filter_by(
        resident_id=resident.id, kind=kind.value, state=State.PENDING.value, **where))


def _settle(entry: AssistedEntry, state: State) -> None:
    entry.state = state.value
    entry.settled_at = utcnow()


def enter_proposal_for(session: Session, actor: User, proposal: Proposal,
                       resident: User) -> AssistedEntry:
    """The official entered `proposal` with `resident` as its proposer."""
    _require_staff(actor)
    if proposal.proposer_id != resident.id:
        raise DomainError("not_their_proposal")
    entry = AssistedEntry(kind=Kind.PROPOSAL.value, resident_id=resident.id,
                          entered_by_id=actor.id, proposal_id=proposal.id)
    if not needs_confirmation(resident):
        _settle(entry, State.CONFIRMED)
    session.add(entry)
    session.flush()
    return entry


def enter_cosign_for(session: Session, actor: User, proposal: Proposal,
                     resident: User) -> AssistedEntry:
    """A co-sign the resident asked staff to make: counted once they confirm it."""
    _require_staff(actor)
    if not resident.has_role(Role.RESIDENT):
        raise DomainError("not_a_resident_account", field="resident")
    collection._open_for_support(proposal)  # the same refusals the resident would meet
    if proposal.proposer_id == resident.id:
        raise DomainError("resident_own_proposal", field="resident")
    if session.get(Cosign, (proposal.id, resident.id)) is not None:
        raise DomainError("resident_cosigned", field="resident")
    if _pending(session, resident, Kind.COSIGN, proposal_id=proposal.id) is not None:
        raise DomainError("entry_pending")
    entry = AssistedEntry(kind=Kind.COSIGN.value, resident_id=resident.id,
                          entered_by_id=actor.id, proposal_id=proposal.id)
    session.add(entry)
    if not needs_confirmation(resident):
        collection.cosign(session, resident, proposal)
        _settle(entry, State.CONFIRMED)
    session.flush()
    return entry


def enter_rating_for(session: Session, actor: User, project: Project, resident: User,
                     level: str, comment: str | None, *, today: date) -> AssistedEntry:
    """A rating the resident gave staff (on a visit, by phone): counted once confirmed."""
    _require_staff(actor)
    try:
        chosen = Level(level).value
    except ValueError:
        raise DomainError("invalid_choice", field="level") from None
    note = (comment or "").strip() or None
    if note is not None and len(note) > COMMENT_MAX:
        raise DomainError("too_long", field="comment", max=COMMENT_MAX)
    if rating.rater_kind(session, resident, project, today) is None:
        raise DomainError("not_a_rater")
    if _pending(session, resident, Kind.RATING, project_id=project.id) is not None:
        raise DomainError("entry_pending")
    entry = AssistedEntry(kind=Kind.RATING.value, resident_id=resident.id,
                          entered_by_id=actor.id, project_id=project.id, level=chosen,
                          comment=note)
    session.add(entry)
    if not needs_confirmation(resident):
        rating.rate(session, resident, project, chosen, note, today=today)
        _settle(entry, State.CONFIRMED)
    session.flush()
    return entry


def pending_for(session: Session, resident: User) -> list[AssistedEntry]:
    return list(session.scalars(select(AssistedEntry).where(
        AssistedEntry.resident_id == resident.id,
        AssistedEntry.state == State.PENDING.value).order_by(AssistedEntry.id)))


def settled_for(session: Session, resident: User, limit: int = 20) -> list[AssistedEntry]:
    return list(session.scalars(select(AssistedEntry).where(
        AssistedEntry.resident_id == resident.id,
        AssistedEntry.state != State.PENDING.value)
        .order_by(AssistedEntry.settled_at.desc(), AssistedEntry.id.desc()).limit(limit)))


def confirm_all(session: Session, resident: User, *, today: date) -> list[AssistedEntry]:
    """The resident's code was right: every pending entry counts now, if it still can."""
    settled = []
    for entry in pending_for(session, resident):
        try:
            with session.begin_nested():
                if entry.kind == Kind.COSIGN:
                    collection.cosign(session, resident, entry.proposal)
                elif entry.kind == Kind.RATING:
                    rating.rate(session, resident, session.get(Project, entry.project_id),
                                entry.level, entry.comment, today=today)
        except DomainError:
            _settle(entry, State.LAPSED)  # the proposal or the round closed meanwhile
        else:
            _settle(entry, State.CONFIRMED)
        settled.append(entry)
    session.flush()
    return settled


def decline(session: Session, resident: User, entry: AssistedEntry) -> None:
    """"This was not me": nothing of it counts in the resident's name."""
    if entry.resident_id != resident.id:
        raise DomainError("forbidden")
    if entry.state != State.PENDING.value:
        raise DomainError("entry_settled")
    if entry.kind == Kind.PROPOSAL and entry.proposal is not None:
        entry.proposal.proposer_id = None  # the words stay; they are not the resident's
    _settle(entry, State.DECLINED)
    session.flush()


def proposal_entry(session: Session, proposal_id: int) -> AssistedEntry | None:
    """The proposal's own entry, when staff entered it in a resident's name."""
    return session.scalar(select(AssistedEntry).where(
        AssistedEntry.proposal_id == proposal_id, AssistedEntry.kind == Kind.PROPOSAL.value)
        .order_by(AssistedEntry.id.desc()).limit(1))


def pending_cosigns(session: Session, proposal_id: int) -> int:
    """Co-signs entered by staff and not yet confirmed: shown, never counted."""
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(AssistedEntry).where(
        AssistedEntry.proposal_id == proposal_id, AssistedEntry.kind == Kind.COSIGN.value,
        AssistedEntry.state == State.PENDING.value)) or 0


def entries_by(session: Session, actor: User, limit: int = 50) -> list[AssistedEntry]:
    """What this official entered for residents lately, with each one's state."""
    return list(session.scalars(select(AssistedEntry).where(
        AssistedEntry.entered_by_id == actor.id)
        .order_by(AssistedEntry.id.desc()).limit(limit)))
