"""Demo implementation: projects of adopted candidates, with reports, inspections and a 督办."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.data import OFFICIALS
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.implementation import progress as rules
from proposals.implementation.models import (
    Escalation,
    FollowUp,
    Inspection,
    Milestone,
    ProgressMode,
    ProgressReport,
    Project,
)
from proposals.implementation.services import is_adopted, project_place
from proposals.shortlist.models import Candidate
from votes.people import User, find_user

# The day the demo's story is told up to; seed.py passes it so a re-run adds the same.
DEMO_TODAY = date(2026, 11, 26)
STAGES = (Stage.IMPLEMENTATION.value, Stage.EVALUATION.value, Stage.CLOSED.value)
STEPS = (("完成方案设计和施工招标", 1), ("进场施工", 2), ("主体工程完工", 3),
         ("竣工验收并投入使用", 1))
# The project of the cycle in implementation that official1 leads: the first on schedule.
TOUR_PROJECT = 2
NOTES = ("按计划推进，现场安全文明施工。", "已与居民代表沟通施工时间，减少扰民。",
         "资金按进度拨付，监理单位全程跟踪。", "部分材料进场延迟，已调整工序追赶进度。")


def seed_projects(session: Session, today: date = DEMO_TODAY) -> int:
    """Give demo officials their units, and every adopted candidate of a cycle in
    implementation or later a project with its history up to `today`. Idempotent: a
    candidate that has a project is left alone. Returns how many projects were made."""
    officials = _officials(session)
    cycles = session.scalars(select(Cycle).where(Cycle.stage.in_(STAGES))
                             .order_by(Cycle.id)).all()
    made = 0
    for cycle in cycles:
        candidates = session.scalars(select(Candidate).filter_by(cycle_id=cycle.id)
                                     .order_by(Candidate.id)).all()
        adopted = [c for c in candidates if is_adopted(c)]
        for index, candidate in enumerate(adopted):
            if session.scalar(select(Project.id).filter_by(candidate_id=candidate.id)):
                continue
            _project(session, cycle, candidate, index, officials, today)
            made += 1
    session.flush()
    return made


def _officials(session: Session) -> dict[str, User]:
    found = {}
    for username, _name, unit in OFFICIALS:
        user = find_user(session, username)
        if user is not None:
            if user.unit is None:  # an administrator's later change is kept
                user.unit = unit
            found[username] = user
    return found


def _lead(officials: dict[str, User], cycle: Cycle, candidate: Candidate,
          index: int) -> User | None:
    """The street office for a street's project, the construction bureau otherwise; and
    official1 (区发改委), the README tour's official, leads one project under way, so the
    tour can report progress. It is one of the cycle in implementation, which no demo round
    rates: the one who opens and closes rounds never judges a project of its own."""
    if cycle.stage == Stage.IMPLEMENTATION.value and index == TOUR_PROJECT:
        return officials.get("official1")
    if candidate.location.startswith("长江街道"):
        return officials.get("official4")
    if candidate.location.startswith("黄河街道"):
        return officials.get("official5")
    return officials.get("official3")


def _fate(cycle: Cycle, index: int) -> str:
    """What happened to the project: a closed cycle finished everything; later cycles
    keep one project stalled and, while still under way, one reported by percentage."""
    if cycle.stage == Stage.CLOSED.value:
        return "done"
    if index == 0:
        return "stalled"
    if index == 1 and cycle.stage == Stage.IMPLEMENTATION.value:
        return "manual"
    return "done" if cycle.stage == Stage.EVALUATION.value else "on_schedule"


def _project(session: Session, cycle: Cycle, candidate: Candidate, index: int,
             officials: dict[str, User], today: date) -> None:
    rng = random.Random(f"project/{cycle.title}/{candidate.title}")
    lead = _lead(officials, cycle, candidate, index) or session.get(User,
                                                                    candidate.created_by_id)
    start = cycle.implementation_starts
    fate = _fate(cycle, index)
    late_plan = 0 if fate == "stalled" else rng.choice((0, 0, 20, 45))
    target = max(candidate.expected_completion + timedelta(days=late_plan),
                 start + timedelta(days=90))
    project = Project(
        cycle_id=cycle.id, candidate_id=candidate.id, title=candidate.title,
        responsible_unit=candidate.responsible_unit, lead_official_id=lead.id,
        category=candidate.sources[0].proposal.category if candidate.sources else "other",
        location=candidate.location, place=project_place(session, candidate),
        budget=candidate.estimated_cost, start_date=start,
        target_date=target, created_by_id=candidate.created_by_id,
        created_at=datetime.combine(start, time(2, 0), UTC))
    span = (target - start).days
    for position, (title, weight) in enumerate(STEPS, start=1):
        project.milestones.append(Milestone(
            position=position, title=title, weight=weight,
            target_date=start + timedelta(days=span * position // len(STEPS))))
    if fate == "manual":
        project.progress_mode = ProgressMode.MANUAL.value
        project.manual_reason = "项目分散在多个楼栋同步实施，按完成户数估算进度更准确。"
    session.add(project)
    session.flush()
    _reports(project, lead, fate, rng, today)
    session.flush()
    if cycle.stage != Stage.CLOSED.value and index < 2:
        _inspection(session, project, cycle, index, lead, today)
    if fate == "stalled" and cycle.stage == Stage.EVALUATION.value:
        _escalation(session, project, officials, lead, today)


def _reports(project: Project, lead: User, fate: str, rng: random.Random, today: date) -> None:
    milestones, budget = project.milestones, project.budget
    reached = {"done": 4, "stalled": 2, "manual": 0,
               "on_schedule": sum(m.target_date <= today for m in milestones)}[fate]
    day, weight_done = project.start_date, 0
    total = sum(m.weight for m in milestones)
    for milestone in milestones[:reached]:
        day = max(day + timedelta(days=7),
                  milestone.target_date + timedelta(days=rng.randint(-12, 8)))
        if day > today:
            break
        milestone.done_on = day
        weight_done += milestone.weight
        progress = rules.derived_progress([(m.weight, m.done_on is not None)
                                           for m in milestones])
        project.reports.append(ProgressReport(
            author_id=lead.id, reported_on=day, milestone_id=milestone.id,
            body=f"{milestone.title}。{rng.choice(NOTES)}", progress_after=progress,
            spend_to_date=budget * weight_done * rng.randint(92, 103) // (100 * total)))
    if fate == "manual":
        for months, percent in ((2, 20), (5, 45), (8, 70)):
            day = project.start_date + timedelta(days=30 * months)
            if day <= today:
                project.manual_progress = percent
                project.reports.append(ProgressReport(
                    author_id=lead.id, reported_on=day, percent=percent, progress_after=percent,
                    reason=f"已完成约 {percent}% 的楼栋", body=rng.choice(NOTES),
                    spend_to_date=budget * percent // 110))
    if all(m.done_on is not None for m in milestones):
        project.completed_on = milestones[-1].done_on
    elif fate != "stalled" and project.reports[-1].reported_on + timedelta(days=20) < today:
        _recent_report(project, lead, rng, today)


def _recent_report(project: Project, lead: User, rng: random.Random, today: date) -> None:
    """A project still under way reported lately, so only the stalled one looks abandoned."""
    last = project.reports[-1]
    report = ProgressReport(author_id=lead.id, body=rng.choice(NOTES),
                            reported_on=today - timedelta(days=rng.randint(3, 15)),
                            spend_to_date=last.spend_to_date, progress_after=last.progress_after)
    if project.progress_mode == ProgressMode.MANUAL.value:
        report.percent = report.progress_after = project.manual_progress = min(
            95, last.progress_after + 10)
        report.reason = f"已完成约 {report.percent}% 的楼栋"
    project.reports.append(report)


def _inspection(session: Session, project: Project, cycle: Cycle, index: int, lead: User,
                today: date) -> None:
    """Delegates visit; only the stalled project of the cycle under evaluation leaves its
    request unanswered, so the supervision list has one of each."""
    recorder = find_user(session, "council1" if cycle.assembly.kind == "council"
                         else "delegate01")
    day = min(today, project.start_date + timedelta(days=120 + 30 * index))
    if recorder is None or day < project.start_date:
        return
    inspection = Inspection(
        project_id=project.id, inspected_on=day, recorded_by_id=recorder.id,
        participants=f"{recorder.display_name}等 5 名代表",
        findings="现场查看施工进度和安全措施，听取责任单位汇报和居民意见。"
                 + ("施工进度明显滞后于计划。" if index == 0 else "总体进展顺利。"),
        created_at=datetime.combine(day, time(7, 0), UTC))
    follow_up = FollowUp(project=project, request="请说明进度滞后原因并提出追赶措施。"
                         if index == 0 else "请在施工现场公示项目进度和投诉电话。",
                         due_on=day + timedelta(days=15))
    if index != 0 or cycle.stage != Stage.EVALUATION.value:
        follow_up.answer = "已在现场设置公示牌，公布进度和投诉电话。"
        follow_up.answered_by_id = lead.id
        follow_up.answered_at = datetime.combine(day + timedelta(days=6), time(2, 0), UTC)
    inspection.follow_ups.append(follow_up)
    session.add(inspection)


def _escalation(session: Session, project: Project, officials: dict[str, User], lead: User,
                today: date) -> None:
    office = officials.get("official1")
    raised = min(today - timedelta(days=3),
                 project.target_date + timedelta(days=rules.OVERDUE_ESCALATION_DAYS + 5))
    if office is None or office.id == lead.id or raised <= project.target_date:
        return
    session.add(Escalation(
        project_id=project.id, grounds=rules.Grounds.OVERDUE.value, raised_by_id=office.id,
        note="项目已超过目标日期一个多月，请责任单位于 10 个工作日内书面说明原因和完成时限。",
        raised_at=datetime.combine(raised, time(2, 0), UTC),
        answer="因管线迁改延误，已增加施工班组，预计一个月内完成主体工程。",
        answered_by_id=lead.id,
        answered_at=datetime.combine(raised + timedelta(days=7), time(2, 0), UTC)))
