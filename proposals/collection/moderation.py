"""Reports, hiding with a reason (never deleting), and merging duplicates, each action logged."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from proposals.collection.models import (
    Comment,
    Cosign,
    Follow,
    ModerationLog,
    Proposal,
    ProposalStatus,
    Report,
)
from proposals.collection.services import change_status, clean_text, notify
from proposals.cycles.stages import Stage
from votes.base import DomainError, utcnow
from votes.people import Role, User

REASON_MAX = 200
REPORT_MAX = 500
TARGETS = ("proposal", "comment")


def _require_official(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")


def _log(session: Session, actor: User, action: str, target_type: str, target_id: int,
         reason: str = "") -> None:
    session.add(ModerationLog(actor_id=actor.id, action=action, target_type=target_type,
                              target_id=target_id, reason=reason))


def _target(session: Session, target_type: str, target_id: int) -> Proposal | Comment:
    if target_type not in TARGETS:
        raise DomainError("invalid_choice")
    model = Proposal if target_type == "proposal" else Comment
    found = session.get(model, target_id)
    if found is None:
        raise DomainError("not_found")
    return found


def _authors(target: Proposal | Comment) -> set[int]:
    """Who wrote the item: a comment's author; a proposal's proposer and whoever entered it."""
    if isinstance(target, Comment):
        return {target.author_id}
    return {target.proposer_id, target.entered_by_id} - {None}


def report(session: Session, actor: User, target_type: str, target_id: int,
           reason: str) -> Report:
    """A resident flags an item for the moderators; one report per person per item."""
    target = _target(session, target_type, target_id)
    if actor.id in _authors(target):
        raise DomainError("own_content")
    text = clean_text(reason, "reason", REPORT_MAX)
    existing = session.scalar(select(Report).filter_by(
        target_type=target_type, target_id=target_id, reporter_id=actor.id))
    if existing is not None:
        raise DomainError("already_reported")
    proposal_id = target.id if target_type == "proposal" else target.proposal_id
    entry = Report(target_type=target_type, target_id=target_id, proposal_id=proposal_id,
                   reporter_id=actor.id, reason=text)
    session.add(entry)
    session.flush()
    return entry


def hide(session: Session, actor: User, target_type: str, target_id: int, reason: str) -> None:
    """Hide an item from the public with a reason its author is told; nothing is deleted."""
    _require_official(actor)
    target = _target(session, target_type, target_id)
    text = clean_text(reason, "reason", REASON_MAX)
    if target.hidden:
        raise DomainError("already_hidden")
    target.hidden, target.hidden_reason = True, text
    _resolve_reports(session, actor, target_type, target_id, "hidden")
    _log(session, actor, "hide", target_type, target_id, text)
    if target_type == "proposal":
        author_id, proposal = target.proposer_id, target
    else:
        author_id, proposal = target.author_id, session.get(Proposal, target.proposal_id)
    if author_id:
        # A hidden comment's notice names it, so it links to the comment.
        about = {"comment": target.id} if target_type == "comment" else {}
        notify(session, [author_id], f"hidden_{target_type}", proposal, reason=text, **about)
    session.flush()


def unhide(session: Session, actor: User, target_type: str, target_id: int, reason: str) -> None:
    _require_official(actor)
    target = _target(session, target_type, target_id)
    if not target.hidden:
        raise DomainError("not_hidden")
    target.hidden = False
    _log(session, actor, "unhide", target_type, target_id, clean_text(reason, "reason", REASON_MAX))
    session.flush()


def dismiss(session: Session, actor: User, report_id: int, reason: str = "") -> None:
    _require_official(actor)
    entry = session.get(Report, report_id)
    if entry is None or entry.resolved_at is not None:
        raise DomainError("not_found")
    _resolve_reports(session, actor, entry.target_type, entry.target_id, "dismissed")
    _log(session, actor, "dismiss", entry.target_type, entry.target_id, reason.strip())
    session.flush()


def _resolve_reports(session: Session, actor: User, target_type: str, target_id: int,
                     resolution: str) -> None:
    session.execute(
        update(Report)
        .where(Report.target_type == target_type, Report.target_id == target_id,
               Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)
    )


def _insert_ignoring_duplicates(session: Session, model, rows: list[dict]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(rows).on_conflict_do_nothing())


def merge(session: Session, actor: User, source: Proposal, target: Proposal,
          reason: str) -> None:
    """Fold a duplicate into another proposal of the same cycle.

    The duplicate's co-signers, followers and (if registered) its proposer come over
    as co-signers and followers of the target; a person already there is not counted
    twice, and the target's own proposer never co-signs their own proposal.
    """
    _require_official(actor)
    text = clean_text(reason, "reason", REASON_MAX)
    if source.id == target.id:
        raise DomainError("merge_into_itself")
    if source.cycle_id != target.cycle_id:
        raise DomainError("merge_other_cycle")
    if ProposalStatus.MERGED.value in (source.status, target.status):
        raise DomainError("already_merged")
    if ProposalStatus.WITHDRAWN.value in (source.status, target.status):
        raise DomainError("proposal_withdrawn")
    if source.cycle.stage not in (Stage.COLLECTION.value, Stage.SHORTLIST.value):
        raise DomainError("not_collecting")
    supporters = set(session.scalars(select(Cosign.user_id).where(Cosign.proposal_id == source.id)))
    if source.proposer_id:
        supporters.add(source.proposer_id)
    supporters.discard(target.proposer_id)
    _insert_ignoring_duplicates(
        session, Cosign, [{"proposal_id": target.id, "user_id": u} for u in sorted(supporters)])
    watchers = set(session.scalars(select(Follow.user_id).where(Follow.proposal_id == source.id)))
    _insert_ignoring_duplicates(
        session, Follow,
        [{"proposal_id": target.id, "user_id": u} for u in sorted(watchers | supporters)])
    target.cosign_count = session.scalar(
        select(func.count()).select_from(Cosign).where(Cosign.proposal_id == target.id))
    source.merged_into_id = target.id
    change_status(session, source, ProposalStatus.MERGED, actor=actor, into=target.title)
    _log(session, actor, "merge", "proposal", source.id, text)
    session.flush()
