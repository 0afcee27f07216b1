"""Services of implementation (项目实施): projects, milestones, progress reports, bulk update."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from proposals import events
from proposals.collection.models import Category, ProposalStatus
from proposals.collection.photos import StoredPhoto
from proposals.collection.services import clean_text, followers, notify
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.implementation import progress as rules
from proposals.implementation.models import (
    Milestone,
    ProgressMode,
    ProgressReport,
    Project,
    ReportPhoto,
)
from proposals.implementation.progress_import import MilestoneInfo, ProjectInfo
from proposals.shortlist.models import Candidate
from proposals.shortlist.services import COST_MAX
from votes.base import DomainError
from votes.people import Role, User
from votes.places import Place, common_place

BODY_MAX = 4000
REASON_MAX = 500
MILESTONE_TITLE_MAX = 120
MAX_MILESTONES = 30
WEIGHT_MAX = 1000
INTERVAL_MAX = 366


@dataclass(frozen=True)
class MilestoneDraft:
    title: str
    target_date: date
    weight: int
    id: int | None = None  # an existing milestone kept (and renumbered), not a new one


# --- who may do what --------------------------------------------------------


def _official(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")


def may_report(actor: User, project: Project) -> bool:
    """The responsible unit's officials and the project's lead official."""
    if not actor.is_authenticated or not actor.has_role(Role.OFFICIAL):
        return False
    return actor.id == project.lead_official_id or (
        bool(actor.unit) and actor.unit == project.responsible_unit)


def require_responsible(actor: User, project: Project) -> None:
    if not may_report(actor, project):
        raise DomainError("not_responsible_unit", unit=project.responsible_unit)

# --- reading a project's state ----------------------------------------------


def project_progress(project: Project) -> int:
    if project.progress_mode == ProgressMode.MANUAL.value:
        return project.manual_progress
    return rules.derived_progress([(m.weight, m.done_on is not None)
                                   for m in project.milestones])


def last_report(project: Project) -> ProgressReport | None:
    return project.reports[-1] if project.reports else None


def standing(project: Project, today: date) -> rules.Standing:
    latest = last_report(project)
    return rules.assess(
        start=project.start_date, target=project.target_date, today=today,
        progress=project_progress(project), completed_on=project.completed_on,
        rectifying=project.rectifying, last_report_on=latest.reported_on if latest else None,
        interval_days=project.report_interval_days)


def projects_of_cycles(session: Session, cycle_ids: Sequence[int]) -> list[Project]:
    """The cycles' projects with what `standing` reads, in three queries whatever their number."""
    if not cycle_ids:
        return []
    return list(session.scalars(
        select(Project).where(Project.cycle_id.in_(list(cycle_ids)))
        .options(selectinload(Project.milestones), selectinload(Project.reports))
        .order_by(Project.cycle_id, Project.id)))


def is_adopted(candidate: Candidate) -> bool:
    """Adopted by the ballot: until the ballot engine marks candidates themselves, the
    ballot's outcome is read from the source proposals, which it marks adopted."""
    return not candidate.withdrawn and any(
        s.proposal.status == ProposalStatus.ADOPTED.value for s in candidate.sources)


def awaiting_projects(session: Session) -> list[Candidate]:
    """Adopted candidates of cycles in implementation that have no project yet."""
    found = session.scalars(
        select(Candidate).join(Cycle, Cycle.id == Candidate.cycle_id)
        .outerjoin(Project, Project.candidate_id == Candidate.id)
        .where(Cycle.stage == Stage.IMPLEMENTATION.value, Project.id.is_(None),
               Candidate.withdrawn.is_(False))
        .order_by(Candidate.cycle_id, Candidate.id))
    return [c for c in found if is_adopted(c)]


# --- projects and milestones ------------------------------------------------


def _main_category(candidate: Candidate) -> str:
    counts = Counter(s.proposal.category for s in candidate.sources)
    return counts.most_common(1)[0][0] if counts else Category.OTHER.value


def _check_dates(start: date | None, target: date | None) -> None:
    if start is None:
        raise DomainError("required", field="start_date")
    if target is None:
        raise DomainError("required", field="target_date")
    if target < start:
        raise DomainError("target_before_start", field="target_date")


def project_place(session: Session, candidate: Candidate) -> Place | None:
    """Where a candidate's project serves: the community of its source proposals when they
    share one, else their common street, else their district (None without sources)."""
    return common_place(session, [s.proposal.place_id for s in candidate.sources])


def create_project(
    session: Session, actor: User, candidate: Candidate, *, lead_official: User,
    start_date: date, target_date: date, budget: int | None = None,
    milestones: Sequence[MilestoneDraft] = (), mode: str = ProgressMode.MILESTONES.value,
    manual_reason: str | None = None, report_interval_days: int = rules.REPORT_INTERVAL_DAYS,
    place: Place | None = None,
) -> Project:
    """Start implementing an adopted candidate; its unit becomes the responsible unit. The
    project serves `place`, or where its source proposals are (project_place)."""
    _official(actor)
    if candidate.withdrawn:
        raise DomainError("candidate_withdrawn")
    if candidate.cycle.stage != Stage.IMPLEMENTATION.value:
        raise DomainError("not_implementing")
    if not is_adopted(candidate):
        raise DomainError("not_adopted")
    if session.scalar(select(Project.id).filter_by(candidate_id=candidate.id)) is not None:
        raise DomainError("project_exists")
    if not lead_official.has_role(Role.OFFICIAL):
        raise DomainError("lead_not_official", field="lead_official_id")
    _check_dates(start_date, target_date)
    budget = candidate.estimated_cost if budget is None else budget
    if not 0 < budget <= COST_MAX:
        raise DomainError("bad_cost", field="budget")
    if not 0 < report_interval_days <= INTERVAL_MAX:
        raise DomainError("out_of_range", field="report_interval_days", max=INTERVAL_MAX)
    project = Project(
        cycle_id=candidate.cycle_id, candidate_id=candidate.id, title=candidate.title,
        responsible_unit=candidate.responsible_unit, lead_official_id=lead_official.id,
        category=_main_category(candidate), location=candidate.location, budget=budget,
        place=place or project_place(session, candidate),
        start_date=start_date, target_date=target_date,
        report_interval_days=report_interval_days, created_by_id=actor.id)
    session.add(project)
    session.flush()
    _apply_milestones(session, actor, project, milestones, mode, manual_reason)
    return project


def place_project(session: Session, actor: User, project: Project, place: Place | None) -> None:
    """An official says where the project serves: any district, street or community."""
    _official(actor)
    if place is None:
        raise DomainError("required", field="place_id")
    project.place = place
    session.flush()


def set_milestones(session: Session, actor: User, project: Project,
                   drafts: Sequence[MilestoneDraft], *, mode: str | None = None,
                   manual_reason: str | None = None) -> None:
    """Replace the milestone plan; milestones already reached stay, with their dates."""
    require_responsible(actor, project)
    _apply_milestones(session, actor, project, drafts, mode or project.progress_mode,
                      manual_reason if manual_reason is not None else project.manual_reason)


def _apply_milestones(session: Session, actor: User, project: Project,
                      drafts: Sequence[MilestoneDraft], mode: str,
                      manual_reason: str | None) -> None:
    try:
        mode = ProgressMode(mode).value
    except ValueError:
        raise DomainError("invalid_choice", field="mode") from None
    if len(drafts) > MAX_MILESTONES:
        raise DomainError("too_many_milestones", max=MAX_MILESTONES)
    existing = {m.id: m for m in project.milestones}
    kept_ids = {d.id for d in drafts if d.id is not None}
    for milestone in existing.values():
        if milestone.id not in kept_ids and milestone.done_on is not None:
            raise DomainError("milestone_done_kept", title=milestone.title)
    was = project_progress(project)
    # Positions are unique per project: park the kept ones out of the way first.
    for milestone in existing.values():
        if milestone.id in kept_ids:
            milestone.position += 10_000
        else:
            project.milestones.remove(milestone)
    session.flush()
    for position, draft in enumerate(drafts, start=1):
        title = clean_text(draft.title, "milestones", MILESTONE_TITLE_MAX)
        if not isinstance(draft.weight, int) or not 0 < draft.weight <= WEIGHT_MAX:
            raise DomainError("bad_weight", field="milestones", max=WEIGHT_MAX)
        if draft.target_date is None or not (
                project.start_date <= draft.target_date <= project.target_date):
            raise DomainError("milestone_outside_schedule", field="milestones", title=title)
        if draft.id is not None:
            milestone = existing.get(draft.id)
            if milestone is None:
                raise DomainError("not_found")
            milestone.position, milestone.title = position, title
            milestone.target_date, milestone.weight = draft.target_date, draft.weight
        else:
            project.milestones.append(Milestone(position=position, title=title,
                                                target_date=draft.target_date,
                                                weight=draft.weight))
    if mode == ProgressMode.MANUAL.value:
        reason = clean_text(manual_reason, "manual_reason", REASON_MAX)
        if project.progress_mode != mode:
            project.manual_progress = was  # switching modes keeps the public number steady
        project.manual_reason = reason
    project.progress_mode = mode
    session.flush()
    session.refresh(project, ["milestones"])
    done_now = _settle_completion(project, None)
    session.flush()
    if done_now:
        events.project_completed.send(project, session=session, actor=actor)


def _settle_completion(project: Project, on: date | None) -> bool:
    """Complete at 100 (dated by the report that got there); below 100 it is open again.

    True when the project has just become completed: once that is flushed, the caller sends
    events.project_completed.
    """
    if project_progress(project) >= 100:
        if project.completed_on is None:
            latest = last_report(project)
            project.completed_on = on or (latest.reported_on if latest else project.start_date)
            return True
    else:
        project.completed_on = None
    return False


# --- progress reports -------------------------------------------------------


def report_progress(
    session: Session, actor: User, project: Project, *, reported_on: date, body: str,
    today: date, spend_to_date: int | None = None, milestone_id: int | None = None,
    percent: int | None = None, reason: str | None = None,
    photos: Iterable[StoredPhoto] = (), confirm_over_budget: bool = False,
) -> ProgressReport:
    """A dated report, kept beside the earlier ones; the project's progress follows from it.

    Spend to date is cumulative, so a figure below the previous report's is refused:
    the public series never goes backwards. Reports come in date order for the same reason.
    Above the project's budget it is published only when the official confirms it: an
    overrun happens, a slip of the keyboard (three zeros too many) happens more often.
    """
    require_responsible(actor, project)
    if reported_on is None:
        raise DomainError("required", field="reported_on")
    if reported_on > today:
        raise DomainError("future_date", field="reported_on")
    latest = last_report(project)
    if latest is not None and reported_on < latest.reported_on:
        raise DomainError("before_last_report", field="reported_on",
                          last=latest.reported_on.isoformat())
    text = clean_text(body, "body", BODY_MAX)
    if spend_to_date is not None:
        if not 0 <= spend_to_date <= COST_MAX:
            raise DomainError("bad_spend", field="spend_to_date")
        spent = last_spend(project)
        if spent is not None and spend_to_date < spent:
            raise DomainError("spend_decreased", field="spend_to_date", last=spent)
        if spend_to_date > project.budget and not confirm_over_budget:
            raise DomainError("spend_over_budget", field="spend_to_date", budget=project.budget)
    milestone = None
    if milestone_id is not None:
        milestone = next((m for m in project.milestones if m.id == milestone_id), None)
        if milestone is None:
            raise DomainError("not_found", field="milestone_id")
        if milestone.done_on is not None:
            raise DomainError("milestone_already_done", field="milestone_id",
                              title=milestone.title)
    why = None
    if percent is not None:
        if project.progress_mode != ProgressMode.MANUAL.value:
            raise DomainError("percent_not_manual", field="percent")
        if not 0 <= percent <= 100:
            raise DomainError("out_of_range", field="percent", max=100)
        why = clean_text(reason, "reason", REASON_MAX)
    report = ProgressReport(project_id=project.id, author_id=actor.id, reported_on=reported_on,
                            body=text, spend_to_date=spend_to_date,
                            milestone_id=milestone.id if milestone else None, percent=percent,
                            reason=why)
    for item in photos:
        report.photos.append(ReportPhoto(key=item.key, content_type=item.content_type,
                                         size=item.size, original_name=item.original_name))
    if milestone is not None:
        milestone.done_on = reported_on
    if percent is not None:
        project.manual_progress, project.manual_reason = percent, why
    project.reports.append(report)
    done_now = _settle_completion(project, reported_on)
    report.progress_after = project_progress(project)
    session.flush()
    if done_now:
        events.project_completed.send(project, session=session, actor=actor)
    _tell_residents(session, project, actor, "project_completed" if done_now
                    else "project_report")
    return report


def last_spend(project: Project) -> int | None:
    spent = [r.spend_to_date for r in project.reports if r.spend_to_date is not None]
    return spent[-1] if spent else None


def _tell_residents(session: Session, project: Project, actor: User, kind: str) -> None:
    """The proposers and followers of the source proposals, once each."""
    told = {actor.id}
    for source in project.candidate.sources:
        proposal = source.proposal
        audience = set(followers(session, proposal.id))
        if proposal.proposer_id:
            audience.add(proposal.proposer_id)
        audience -= told
        if audience:
            notify(session, audience, kind, proposal, title=project.title, project=project.id)
        told |= audience

# --- bulk update --------------------------------------------------------------


def bulk_update(session: Session, actor: User, rows: Iterable, today: date
                ) -> list[ProgressReport]:
    """Apply a checked CSV (proposals.progress_import) in one go; any refusal stops them all.

    The caller rolls back on DomainError; its `row` names the line that was refused. A file
    cannot confirm spending above a budget, so such a row is refused (report it by hand).
    """
    reports = []
    for row in rows:
        project = session.get(Project, row.project_id)
        try:
            if project is None:
                raise DomainError("not_found")
            reports.append(report_progress(
                session, actor, project, reported_on=row.reported_on, body=row.note,
                today=today, spend_to_date=row.spend_to_date, milestone_id=row.milestone_id,
                percent=row.percent, reason=row.note if row.percent is not None else None))
        except DomainError as error:
            raise DomainError(error.code, row=row.row, **error.params) from None
    return reports


def update_targets(session: Session, actor: User) -> dict[int, ProjectInfo]:
    """Every project as the bulk update's checks see it, for this official."""
    projects = session.scalars(select(Project).options(
        selectinload(Project.milestones), selectinload(Project.reports)))
    infos = {}
    for project in projects:
        latest = last_report(project)
        infos[project.id] = ProjectInfo(
            id=project.id, title=project.title, mine=may_report(actor, project),
            manual=project.progress_mode == ProgressMode.MANUAL.value,
            milestones=tuple(MilestoneInfo(m.id, m.position, m.title, m.done_on is not None)
                             for m in project.milestones),
            last_reported_on=latest.reported_on if latest else None,
            last_spend=last_spend(project), budget=project.budget)
    return infos
