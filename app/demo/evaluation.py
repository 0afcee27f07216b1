"""Demo evaluation: ratings of completed projects, closed rounds, and one rectification story."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import EvaluationLog, Rating, RatingCount
from proposals.evaluation.satisfaction import Level, RaterKind
from proposals.implementation.models import Project
from votes.people import Role, User, UserRole, find_user, roster

STAGES = (Stage.EVALUATION.value, Stage.CLOSED.value)
# (satisfied, basically satisfied, dissatisfied) weights: most projects are liked, one is not.
LIKED, DISLIKED, BETTER = (70, 22, 8), (35, 25, 40), (60, 30, 10)
COMMENTS = {
    Level.SATISFIED: ("施工质量好，老人上下楼方便多了。", "办到了群众心坎上，点赞！"),
    Level.BASICALLY_SATISFIED: ("总体不错，收尾的绿化还可以再完善。",
                                "效果可以，就是施工期间噪音有点大。"),
    Level.DISSATISFIED: ("验收后问题很多，反映了也没人管。", "设施经常坏，维护跟不上。"),
}
# The cycle under evaluation has had only its first ten days by DEMO_TODAY, and its story
# closes a round on the third; an installation keeps rounds open longer (14 days unless
# YISHI_EVALUATION_MIN_OPEN_DAYS says otherwise).
DEMO_MIN_OPEN_DAYS = 3
REPORT = ("针对测评中群众反映的维护不及时、设施故障多的问题，已落实专人巡查制度，"
          "更换故障设备 12 处，公布报修电话并承诺 48 小时内处理。")


def seed_evaluation(session: Session, today: date) -> int:
    """Rate every completed project of cycles under evaluation or closed; idempotent: a
    project that has ratings is left alone. Returns how many projects were rated.

    official1 (区发改委) opens and closes the rounds: the unit or lead official of no project
    rated here, since the responsible unit never judges its own project."""
    office = find_user(session, "official1")
    if office is None:
        return 0
    residents = session.scalars(select(User).join(UserRole).where(
        UserRole.role == Role.RESIDENT.value, User.username.like("resident%"))
        .order_by(User.id)).all()
    cycles = session.scalars(select(Cycle).where(Cycle.stage.in_(STAGES))
                             .order_by(Cycle.id)).all()
    rated = 0
    for cycle in cycles:
        delegates = roster(session, cycle.assembly_id, today)
        projects = session.scalars(select(Project).where(
            Project.cycle_id == cycle.id, Project.completed_on.is_not(None))
            .order_by(Project.id)).all()
        for index, project in enumerate(projects):
            if session.scalar(select(Rating.id).where(Rating.project_id == project.id)
                              .limit(1)) is not None:
                continue
            _story(session, cycle, project, index, office, delegates, residents, today)
            rated += 1
    session.flush()
    return rated


def _story(session: Session, cycle: Cycle, project: Project, index: int, office: User,
           delegates: list[User], residents: list[User], today: date) -> None:
    """Closed cycles: rated and closed (the 2025 one's second project after 整改).
    The cycle under evaluation: open rounds; its first completed project fell short, was
    rectified and is being rated again."""
    rng = random.Random(f"evaluation/{cycle.title}/{project.title}")
    troubled = (index == 0 and cycle.stage == Stage.EVALUATION.value) or (
        index == 1 and cycle.year == 2025)
    start = datetime.combine(cycle.evaluation_starts, time(1, 0), UTC)
    end = datetime.combine(min(cycle.closes_on, today), time(1, 0), UTC)

    def at(tenths: int) -> datetime:  # a moment of the evaluation weeks, before `today`
        return start + (end - start) * tenths / 10

    first = evaluation.latest_round(session, project.id)
    if first is None:  # the demo dates completion directly, so no project_completed event
        first = evaluation.open_round(session, office, project)
    first.opened_at = at(0)
    _ratings(session, rng, project, 1, delegates, residents, DISLIKED if troubled else LIKED,
             at(1))
    steps = {"opened": [at(0)]}
    if cycle.stage == Stage.CLOSED.value or troubled:
        evaluation.close_round(session, office, project, today=at(3).date(),
                               min_open_days=DEMO_MIN_OPEN_DAYS)
        first.closed_at = at(3)
        steps.update(closed=[at(3)], rectification_required=[at(3)])
    if troubled:
        lead = session.get(User, project.lead_official_id)
        report = evaluation.file_rectification(session, lead, project, REPORT)
        report.filed_at = at(5)
        second = evaluation.open_round(session, office, project)
        second.opened_at = at(6)
        steps.update(report_filed=[at(5)], opened=[at(0), at(6)])
        _ratings(session, rng, project, 2, delegates, residents, BETTER, at(7))
        if cycle.stage == Stage.CLOSED.value:
            evaluation.close_round(session, office, project, today=at(9).date(),
                                   min_open_days=DEMO_MIN_OPEN_DAYS)
            second.closed_at = at(9)
            steps.update(closed=[at(3), at(9)], rectification_passed=[at(9)])
    _date_steps(session, project, steps)


def _ratings(session: Session, rng: random.Random, project: Project, round_no: int,
             delegates: list[User], residents: list[User], weights: tuple[int, int, int],
             when: datetime) -> None:
    """A sample of delegates and residents rate; rows in bulk, counters moved to match."""
    levels = list(Level)
    people = [(RaterKind.DELEGATE, d) for d in rng.sample(delegates, len(delegates) * 2 // 3)]
    seated = {d.id for d in delegates}
    people += [(RaterKind.RESIDENT, r) for r in rng.sample(residents, len(residents) * 3 // 4)
               if r.id not in seated]
    rows, tally = [], Counter()
    for kind, person in people:
        level = rng.choices(levels, weights)[0]
        comment = rng.choice(COMMENTS[level]) if rng.random() < 0.3 else None
        rows.append({"project_id": project.id, "round_no": round_no, "user_id": person.id,
                     "rater_kind": kind.value, "level": level.value, "comment": comment,
                     "created_at": when, "updated_at": when})
        tally[(kind.value, level.value)] += 1
    if rows:
        session.execute(insert(Rating), rows)
    for (kind, level), n in tally.items():
        session.execute(update(RatingCount).where(
            RatingCount.project_id == project.id, RatingCount.round_no == round_no,
            RatingCount.rater_kind == kind, RatingCount.level == level)
            .values(n=RatingCount.n + n).execution_options(synchronize_session=False))


def _date_steps(session: Session, project: Project, steps: dict[str, list[datetime]]) -> None:
    """The log tells of the evaluation weeks, not of the moment the demo was loaded."""
    session.flush()
    for step in session.scalars(select(EvaluationLog).where(
            EvaluationLog.project_id == project.id).order_by(EvaluationLog.id)):
        moments = steps.get(step.action) or [step.at]
        step.at = moments[min(step.round_no, len(moments)) - 1]
