"""Evaluation rounds: reading them; opening, closing and rectifying (rating.py rates).

The first round opens by itself when a project is completed during its cycle's evaluation
stage, or when a cycle moves into evaluation: the handlers below, which proposals.wiring
connects to the events of implementation and cycles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from proposals.collection.models import Notification
from proposals.collection.services import followers
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.evaluation import satisfaction as rules
from proposals.evaluation.models import (
    REPORT_MAX,
    EvaluationLog,
    EvaluationRound,
    RatingCount,
    RectificationReport,
)
from proposals.evaluation.satisfaction import Counts, Level, RaterKind, RoundState
from proposals.implementation.models import Project
from proposals.implementation.services import may_report, require_responsible
from proposals.notices.services import queue_deliveries
from votes.base import DomainError, utcnow
from votes.people import Role, User

# How long a round stays open before it may close, so that everyone has time to rate; an
# installation sets its own (YISHI_EVALUATION_MIN_OPEN_DAYS), which the views pass in.
MIN_OPEN_DAYS = 14

# --- reading -------------------------------------------------------------------


def rounds_of(session: Session, project_id: int) -> list[EvaluationRound]:
    return list(session.scalars(select(EvaluationRound).where(
        EvaluationRound.project_id == project_id).order_by(EvaluationRound.round_no)))


def latest_round(session: Session, project_id: int) -> EvaluationRound | None:
    return session.scalar(select(EvaluationRound).where(
        EvaluationRound.project_id == project_id)
        .order_by(EvaluationRound.round_no.desc()).limit(1))


def counts(session: Session, project_id: int, round_no: int) -> dict[RaterKind, Counts]:
    """Both groups' counts in a round, from the counters."""
    found: dict[str, dict[str, int]] = {kind.value: {} for kind in RaterKind}
    for kind, level, n in session.execute(
            select(RatingCount.rater_kind, RatingCount.level, RatingCount.n).where(
                RatingCount.project_id == project_id, RatingCount.round_no == round_no)):
        found[kind][level] = n
    return {kind: Counts.of(found[kind.value]) for kind in RaterKind}


@dataclass(frozen=True)
class LatestRating:
    """A project's latest round as a list shows it: open or closed, both groups together."""

    round_no: int
    is_open: bool
    overall: Counts

    @property
    def percent(self) -> str | None:
        return rules.percent_text(*self.overall.rate)


def latest_ratings(session: Session, project_ids: Sequence[int]) -> dict[int, LatestRating]:
    """Each project's latest round with its counts, in one query whatever their number;
    a project without a round is left out."""
    if not project_ids:
        return {}
    later = aliased(EvaluationRound)
    newest = (select(func.max(later.round_no))
              .where(later.project_id == EvaluationRound.project_id).scalar_subquery())
    rows = session.execute(
        select(EvaluationRound.project_id, EvaluationRound.round_no, EvaluationRound.closed_at,
               RatingCount.level, func.sum(RatingCount.n))
        .outerjoin(RatingCount, (RatingCount.project_id == EvaluationRound.project_id)
                   & (RatingCount.round_no == EvaluationRound.round_no))
        .where(EvaluationRound.project_id.in_(list(project_ids)),
               EvaluationRound.round_no == newest)
        .group_by(EvaluationRound.project_id, EvaluationRound.round_no,
                  EvaluationRound.closed_at, RatingCount.level))
    found: dict[int, tuple[int, bool, dict[str, int]]] = {}
    for project_id, round_no, closed_at, level, n in rows:
        _no, _open, by_level = found.setdefault(project_id, (round_no, closed_at is None, {}))
        if level is not None:
            by_level[level] = int(n or 0)
    return {pid: LatestRating(no, is_open, Counts.of(by_level))
            for pid, (no, is_open, by_level) in found.items()}


def reports_of(session: Session, project_id: int) -> list[RectificationReport]:
    return list(session.scalars(select(RectificationReport).where(
        RectificationReport.project_id == project_id).order_by(RectificationReport.id)))


def log_of(session: Session, project_id: int) -> list[EvaluationLog]:
    return list(session.scalars(select(EvaluationLog).where(
        EvaluationLog.project_id == project_id).order_by(EvaluationLog.id)))


def round_state(session: Session, project_id: int) -> RoundState | None:
    latest = latest_round(session, project_id)
    if latest is None:
        return None
    filed = session.scalar(select(func.count(RectificationReport.id)).where(
        RectificationReport.project_id == project_id,
        RectificationReport.round_no == latest.round_no)) or 0
    return RoundState(latest.round_no, not latest.is_open, bool(latest.below_bar), filed)


# --- rounds --------------------------------------------------------------------


def _log(session: Session, project_id: int, round_no: int, action: str,
         actor_id: int | None, note: str = "") -> None:
    session.add(EvaluationLog(project_id=project_id, round_no=round_no, action=action,
                              actor_id=actor_id, note=note))


def _tell(session: Session, project: Project, kind: str, user_ids: set[int],
          **params) -> None:
    notices = [Notification(user_id=user_id, kind=kind, proposal_id=None,
                            params={"title": project.title, "project": project.id, **params})
               for user_id in sorted(user_ids)]
    session.add_all(notices)
    queue_deliveries(session, notices)  # the email/SMS outbox, in this same transaction


def _proposers(session: Session, project: Project) -> set[int]:
    people: set[int] = set()
    for source in project.candidate.sources:
        people.update(followers(session, source.proposal_id))
        if source.proposal.proposer_id:
            people.add(source.proposal.proposer_id)
    return people


def _start_round(session: Session, project: Project, round_no: int,
                 actor_id: int | None) -> EvaluationRound:
    # The counters exist from the start, so a rating only ever UPDATEs them (n = n + 1).
    opened = EvaluationRound(project_id=project.id, round_no=round_no, opened_by_id=actor_id,
                             counters=[RatingCount(rater_kind=kind.value, level=level.value, n=0)
                                       for kind in RaterKind for level in Level])
    session.add(opened)
    _log(session, project.id, round_no, "opened", actor_id)
    _tell(session, project, "evaluation_opened", _proposers(session, project) - {actor_id},
          round=round_no)
    return opened


# --- who judges, and when ------------------------------------------------------


def judging_refusal(actor: User, project: Project) -> DomainError | None:
    """Why `actor` may not open or close the project's rounds, or None when they may.

    The responsible unit never judges its own project: its officials and the lead official
    report on it and answer for its 整改, so another official opens and closes its rounds.
    """
    if not actor.is_authenticated or not actor.has_role(Role.OFFICIAL):
        return DomainError("officials_only")
    if may_report(actor, project):
        return DomainError("own_project_judging", unit=project.responsible_unit)
    return None


def closes_from(opened_at: datetime, min_open_days: int) -> date:
    """The first day a round opened at `opened_at` may close.

    The opening moment is kept in UTC (SQLite hands it back without its zone); the day it
    fell on there, plus the minimum, is at most one day short of the minimum in Beijing.
    """
    moment = opened_at if opened_at.tzinfo is None else opened_at.astimezone(UTC)
    return moment.date() + timedelta(days=min_open_days)


def close_refusal(actor: User, project: Project, opened_at: datetime, *, today: date,
                  min_open_days: int = MIN_OPEN_DAYS) -> DomainError | None:
    """Why `actor` may not close the open round (opened at `opened_at`) today, or None.

    Whether anybody has rated is checked on closing, against the counters.
    """
    refusal = judging_refusal(actor, project)
    if refusal is not None:
        return refusal
    earliest = closes_from(opened_at, min_open_days)
    if today < earliest:
        return DomainError("round_too_young", days=min_open_days, date=earliest)
    return None


def open_rounds(session: Session, project_ids: list[int]) -> dict[int, EvaluationRound]:
    """The open round of each of these projects that has one, by project."""
    if not project_ids:
        return {}
    return {r.project_id: r for r in session.scalars(select(EvaluationRound).where(
        EvaluationRound.project_id.in_(project_ids), EvaluationRound.closed_at.is_(None)))}


def open_round(session: Session, actor: User, project: Project) -> EvaluationRound:
    """Open the first round of a completed project, or the next after a rectification."""
    refusal = judging_refusal(actor, project)
    if refusal is not None:
        raise refusal
    refusal = rules.next_round_refusal(project.completed_on is not None,
                                       round_state(session, project.id))
    if refusal:
        raise DomainError(refusal)
    latest = latest_round(session, project.id)
    opened = _start_round(session, project, latest.round_no + 1 if latest else 1, actor.id)
    session.flush()
    return opened


def open_due_rounds(session: Session, projects: list[Project]) -> list[Project]:
    """The automatic first round: completed projects of cycles under evaluation, not yet rated.

    Adds without flushing (the handlers below flush). A project that has a round already,
    or one pending in the session, is left alone: calling it again opens nothing.
    """
    opened = []
    for project in projects:
        cycle = session.get(Cycle, project.cycle_id)
        if (project.id is None or project.completed_on is None or cycle is None
                or cycle.stage != Stage.EVALUATION.value):
            continue
        if session.scalar(select(EvaluationRound.round_no).where(
                EvaluationRound.project_id == project.id).limit(1)) is not None:
            continue
        if any(isinstance(o, EvaluationRound) and o.project_id == project.id
               for o in session.new):
            continue
        _start_round(session, project, 1, None)
        opened.append(project)
    return opened


# --- opening by itself: handlers of other contexts' events (see proposals.wiring) --------


def on_project_completed(project: Project, *, session: Session, **_payload) -> None:
    """events.project_completed: a project completed during evaluation opens its round."""
    if open_due_rounds(session, [project]):
        session.flush()


def on_cycle_stage_changed(cycle: Cycle, *, session: Session, to_stage: str,
                           **_payload) -> None:
    """events.cycle_stage_changed: a cycle moving into evaluation opens its completed
    projects' rounds."""
    if to_stage != Stage.EVALUATION.value:
        return
    done = list(session.scalars(select(Project).where(
        Project.cycle_id == cycle.id, Project.completed_on.is_not(None))
        .order_by(Project.id)))
    if open_due_rounds(session, done):
        session.flush()


def close_round(session: Session, actor: User, project: Project, *, today: date,
                min_open_days: int = MIN_OPEN_DAYS) -> rules.Verdict:
    """End the round: freeze the counts, publish the verdict, and require 整改 below the bar.

    Only an official who does not answer for the project closes it, and only once the round
    has been open `min_open_days`: the unit cannot end a round while the tally suits it.
    """
    refusal = judging_refusal(actor, project)
    if refusal is not None:
        raise refusal
    current = session.scalar(select(EvaluationRound).where(
        EvaluationRound.project_id == project.id, EvaluationRound.closed_at.is_(None))
        .with_for_update())
    if current is None:
        raise DomainError("no_open_round")
    by_kind = counts(session, project.id, current.round_no)
    bar = project.cycle.satisfaction_bar
    result = rules.verdict(by_kind[RaterKind.DELEGATE], by_kind[RaterKind.RESIDENT], bar)
    if result.overall.total == 0:  # an unrated round would pass, and clear a 整改, unheard
        raise DomainError("no_ratings")
    refusal = close_refusal(actor, project, current.opened_at, today=today,
                            min_open_days=min_open_days)
    if refusal is not None:
        raise refusal
    current.closed_at, current.closed_by_id = utcnow(), actor.id
    current.bar, current.below_bar = bar, result.rectify
    current.result = {kind.value: {level.value: getattr(c, level.value) for level in Level}
                      for kind, c in by_kind.items()}
    _log(session, project.id, current.round_no, "closed", actor.id)
    if result.rectify:
        project.rectifying = True
        # The note names the groups below the bar, as codes the pages translate.
        _log(session, project.id, current.round_no, "rectification_required", actor.id,
             ",".join(kind.value for kind in result.below))
        _tell(session, project, "rectification_required",
              {project.lead_official_id} - {actor.id}, round=current.round_no, bar=bar)
    elif project.rectifying:
        project.rectifying = False
        _log(session, project.id, current.round_no, "rectification_passed", actor.id)
    session.flush()
    return result


def file_rectification(session: Session, actor: User, project: Project, body: str
                       ) -> RectificationReport:
    """The responsible unit says what it rectified; then the next round may open."""
    require_responsible(actor, project)
    latest = latest_round(session, project.id)
    if not project.rectifying or latest is None or latest.is_open or not latest.below_bar:
        raise DomainError("no_rectification_due")
    text = (body or "").strip()
    if not text:
        raise DomainError("required", field="body")
    if len(text) > REPORT_MAX:
        raise DomainError("too_long", field="body", max=REPORT_MAX)
    report = RectificationReport(project_id=project.id, round_no=latest.round_no,
                                 author_id=actor.id, body=text)
    session.add(report)
    _log(session, project.id, latest.round_no, "report_filed", actor.id)
    session.flush()
    return report


# --- the bar -------------------------------------------------------------------


def bar_refusal(session: Session, actor: User, cycle: Cycle) -> DomainError | None:
    """An official who answers for a project of the cycle does not set the bar it is judged by."""
    if not actor.is_authenticated or not actor.has_role(Role.OFFICIAL):
        return None  # an administrator who is no official answers for no project
    for project in session.scalars(select(Project).where(Project.cycle_id == cycle.id)
                                   .order_by(Project.id)):
        if may_report(actor, project):
            return DomainError("own_cycle_bar", title=project.title)
    return None


def set_bar(session: Session, actor: User, cycle: Cycle, bar_percent: int) -> None:
    """A cycle's bar, fixed once any of its rounds has closed: results are not re-judged."""
    if not actor.has_role(Role.OFFICIAL, Role.ADMIN):
        raise DomainError("officials_only")
    own = bar_refusal(session, actor, cycle)
    if own is not None:
        raise own
    try:
        bar = rules.check_bar(bar_percent)
    except (TypeError, ValueError):
        raise DomainError("bad_bar", field="bar") from None
    closed = session.scalar(
        select(func.count()).select_from(EvaluationRound)
        .join(Project, Project.id == EvaluationRound.project_id)
        .where(Project.cycle_id == cycle.id, EvaluationRound.closed_at.is_not(None))) or 0
    if closed:
        raise DomainError("bar_locked")
    cycle.satisfaction_bar = bar
    session.flush()
