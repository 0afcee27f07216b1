"""Services of supervision: delegates' inspections and follow-ups, and 督办 by the office."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from proposals.collection.services import clean_text, notify
from proposals.implementation import progress as rules
from proposals.implementation.models import Escalation, FollowUp, Inspection, Project
from proposals.implementation.services import may_report, require_responsible, standing
from votes.base import DomainError, utcnow
from votes.people import Membership, Role, User

PARTICIPANTS_MAX = 500
FINDINGS_MAX = 4000
REQUEST_MAX = 1000
ANSWER_MAX = 2000
MAX_FOLLOW_UPS = 10


def may_inspect(session: Session, actor: User, project: Project, on: date) -> bool:
    """Delegates seated, on that day, in the assembly whose cycle adopted the project."""
    if not actor.is_authenticated or not actor.has_role(Role.DELEGATE):
        return False
    seat = session.scalar(select(Membership).filter_by(
        assembly_id=project.cycle.assembly_id, user_id=actor.id))
    return seat is not None and seat.joined_on <= on and (seat.left_on is None
                                                          or seat.left_on >= on)


def open_follow_ups(session: Session, project_id: int) -> list[FollowUp]:
    return list(session.scalars(
        select(FollowUp).where(FollowUp.project_id == project_id, FollowUp.answer.is_(None))
        .order_by(FollowUp.id)))


# --- supervision: inspections and follow-ups --------------------------------


def record_inspection(
    session: Session, actor: User, project: Project, *, inspected_on: date,
    participants: str, findings: str, today: date,
    follow_ups: Sequence[tuple[str, date | None]] = (),
) -> Inspection:
    """A delegates' visit (视察) with findings, and requests the unit must answer."""
    if inspected_on is None:
        raise DomainError("required", field="inspected_on")
    if inspected_on > today:
        raise DomainError("future_date", field="inspected_on")
    if not actor.has_role(Role.DELEGATE):
        raise DomainError("delegates_only")
    if not may_inspect(session, actor, project, inspected_on):
        raise DomainError("not_in_assembly")
    if len(follow_ups) > MAX_FOLLOW_UPS:
        raise DomainError("too_many_follow_ups", max=MAX_FOLLOW_UPS)
    inspection = Inspection(
        project_id=project.id, inspected_on=inspected_on, recorded_by_id=actor.id,
        participants=clean_text(participants, "participants", PARTICIPANTS_MAX),
        findings=clean_text(findings, "findings", FINDINGS_MAX))
    for request, due_on in follow_ups:
        if due_on is not None and due_on < inspected_on:
            raise DomainError("due_before_inspection", field="follow_ups")
        inspection.follow_ups.append(FollowUp(
            project_id=project.id, request=clean_text(request, "follow_ups", REQUEST_MAX),
            due_on=due_on))
    session.add(inspection)
    session.flush()
    if inspection.follow_ups:
        notify(session, {project.lead_official_id} - {actor.id}, "follow_up_requested", None,
               title=project.title, project=project.id, n=len(inspection.follow_ups))
    return inspection


def answer_follow_up(session: Session, actor: User, follow_up: FollowUp, answer: str) -> None:
    require_responsible(actor, follow_up.project)
    if follow_up.answer is not None:
        raise DomainError("already_answered")
    follow_up.answer = clean_text(answer, "answer", ANSWER_MAX)
    follow_up.answered_by_id, follow_up.answered_at = actor.id, utcnow()
    session.flush()
    recorder = follow_up.inspection.recorded_by_id
    if recorder != actor.id:
        notify(session, [recorder], "follow_up_answered", None,
               title=follow_up.project.title, project=follow_up.project_id)


# --- escalation (督办) --------------------------------------------------------


@dataclass(frozen=True)
class SupervisionRow:
    project: Project
    standing: rules.Standing
    check: rules.EscalationCheck
    open_follow_ups: int
    open_escalations: tuple[Escalation, ...]


def escalation_check(session: Session, project: Project, today: date, *,
                     overdue_days: int = rules.OVERDUE_ESCALATION_DAYS,
                     answer_days: int = rules.FOLLOW_UP_ANSWER_DAYS,
                     pending: Sequence[FollowUp] | None = None) -> rules.EscalationCheck:
    if pending is None:
        pending = open_follow_ups(session, project.id)
    return rules.needs_escalation(
        standing=standing(project, today), today=today,
        open_follow_ups=[(f.inspection.inspected_on, f.due_on) for f in pending],
        overdue_days=overdue_days, answer_days=answer_days)


def open_escalations(session: Session, project_id: int) -> list[Escalation]:
    return list(session.scalars(
        select(Escalation).where(Escalation.project_id == project_id,
                                 Escalation.answer.is_(None)).order_by(Escalation.id)))


def supervision_list(session: Session, cycle_id: int | None, today: date, *,
                     overdue_days: int = rules.OVERDUE_ESCALATION_DAYS,
                     answer_days: int = rules.FOLLOW_UP_ANSWER_DAYS) -> list[SupervisionRow]:
    """Projects with grounds for 督办, or with an escalation still unanswered; latest first."""
    stmt = select(Project).order_by(Project.id).options(
        selectinload(Project.milestones), selectinload(Project.reports))
    if cycle_id is not None:
        stmt = stmt.where(Project.cycle_id == cycle_id)
    rows = []
    for project in session.scalars(stmt):
        pending = open_follow_ups(session, project.id)
        check = escalation_check(session, project, today, overdue_days=overdue_days,
                                 answer_days=answer_days, pending=pending)
        raised = tuple(open_escalations(session, project.id))
        if check.needed or raised:
            rows.append(SupervisionRow(
                project=project, standing=standing(project, today), check=check,
                open_follow_ups=len(pending), open_escalations=raised))
    return sorted(rows, key=lambda r: (-max(r.check.days_late, r.check.report_days_late),
                                       -r.check.late_follow_ups, r.project.id))


def escalate(session: Session, actor: User, project: Project, grounds: str, note: str, *,
             today: date, overdue_days: int = rules.OVERDUE_ESCALATION_DAYS,
             answer_days: int = rules.FOLLOW_UP_ANSWER_DAYS) -> Escalation:
    """Log a 督办 on grounds that hold today; the unit itself cannot escalate its own work."""
    if not actor.has_role(Role.OFFICIAL, Role.ADMIN):
        raise DomainError("officials_only")
    if may_report(actor, project):
        raise DomainError("own_project")
    try:
        grounds = rules.Grounds(grounds)
    except ValueError:
        raise DomainError("invalid_choice", field="grounds") from None
    check = escalation_check(session, project, today, overdue_days=overdue_days,
                             answer_days=answer_days)
    if grounds not in check.grounds:
        raise DomainError("no_grounds")
    if any(e.grounds == grounds.value for e in open_escalations(session, project.id)):
        raise DomainError("already_escalated")
    escalation = Escalation(project_id=project.id, grounds=grounds.value,
                            note=clean_text(note, "note", ANSWER_MAX), raised_by_id=actor.id)
    session.add(escalation)
    session.flush()
    notify(session, [project.lead_official_id], "escalated", None, title=project.title,
           project=project.id)
    return escalation


def answer_escalation(session: Session, actor: User, escalation: Escalation,
                      answer: str) -> None:
    require_responsible(actor, escalation.project)
    if escalation.answer is not None:
        raise DomainError("already_answered")
    escalation.answer = clean_text(answer, "answer", ANSWER_MAX)
    escalation.answered_by_id, escalation.answered_at = actor.id, utcnow()
    session.flush()
    if escalation.raised_by_id != actor.id:
        notify(session, [escalation.raised_by_id], "escalation_answered", None,
               title=escalation.project.title, project=escalation.project_id)


