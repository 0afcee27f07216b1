"""Pure rules of implementation: derived progress, status, traffic light, lateness, escalation."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# At risk when progress trails the share of the schedule already used by more than this.
LAG_POINTS = 20
# Within one reporting interval of the target, anything below this is at risk.
NEAR_TARGET_PROGRESS = 90
REPORT_INTERVAL_DAYS = 30
OVERDUE_ESCALATION_DAYS = 30
FOLLOW_UP_ANSWER_DAYS = 15


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"  # 未开始
    IN_PROGRESS = "in_progress"  # 进行中
    COMPLETED = "completed"  # 已完成
    DELAYED = "delayed"  # 延期
    RECTIFICATION = "rectification"  # 整改中


class Light(enum.StrEnum):
    ON_TRACK = "on_track"  # 正常
    AT_RISK = "at_risk"  # 预警
    OVERDUE = "overdue"  # 逾期


class Grounds(enum.StrEnum):
    OVERDUE = "overdue"  # past the target, or without a report, beyond the threshold
    UNANSWERED = "unanswered"  # a delegate's follow-up left without an answer


@dataclass(frozen=True)
class Standing:
    """Where a project stands on a given day, everything the pages and lists show."""

    progress: int
    expected: int  # the share of the schedule used up, in percent
    status: Status
    light: Light
    report_overdue: bool
    days_late: int  # past the target date (the planned end), not complete
    report_days_late: int  # past the day the next progress report was due


@dataclass(frozen=True)
class EscalationCheck:
    days_late: int  # past the target date
    report_days_late: int  # past the progress report's due day
    late_follow_ups: int
    grounds: tuple[Grounds, ...]

    @property
    def needed(self) -> bool:
        return bool(self.grounds)


def derived_progress(milestones: Sequence[tuple[int, bool]]) -> int:
    """Percent of the milestones' total weight that is done, rounded down; 0 without any.

    Rounding down means 100 is reached only when every milestone is done.
    """
    if any(weight <= 0 for weight, _ in milestones):
        raise ValueError("milestone weights must be positive")
    total = sum(weight for weight, _ in milestones)
    if total == 0:
        return 0
    return 100 * sum(weight for weight, done in milestones if done) // total


def expected_progress(start: date, target: date, today: date) -> int:
    """The share of the schedule from start to target that has passed, 0..100, rounded down."""
    if today <= start:
        return 0
    span = (target - start).days
    if span <= 0 or today >= target:
        return 100
    return 100 * (today - start).days // span


def report_due(start: date, last_report_on: date | None, interval_days: int) -> date:
    """The day by which the next report must come: one interval after the last (or the start)."""
    return (last_report_on or start) + timedelta(days=interval_days)


def report_days_late(start: date, today: date, last_report_on: date | None,
                     interval_days: int, *, completed: bool = False) -> int:
    """Days past the day the next report was due: counted from the last report, or from the
    start date; 0 on the due day itself.

    A completed project owes no more reports, and one that has not started owes none yet.
    """
    if completed or today < start:
        return 0
    return max(0, (today - report_due(start, last_report_on, interval_days)).days)


def report_overdue(start: date, today: date, last_report_on: date | None, interval_days: int,
                   *, completed: bool = False) -> bool:
    """No report within the interval (see report_days_late)."""
    return report_days_late(start, today, last_report_on, interval_days,
                            completed=completed) > 0


def days_late(target: date, today: date, *, completed: bool = False) -> int:
    """Days the project is past its target date (its planned end) and not complete.

    A missed progress report is not the project being late: report_days_late counts it.
    """
    if completed:
        return 0
    return max(0, (today - target).days)


def project_status(*, start: date, target: date, today: date, progress: int,
                   completed_on: date | None, rectifying: bool,
                   last_report_on: date | None) -> Status:
    """整改中 first (it follows an evaluation), then 已完成, 延期, 未开始, else 进行中.

    - rectification: the evaluation required rectification (set elsewhere);
    - completed: a completion date is recorded (progress reached 100);
    - delayed: the target date has passed and the project is not complete;
    - not started: nothing done yet, and either the start date is still ahead or no
      progress report has come in;
    - in progress: everything else.
    """
    if rectifying:
        return Status.RECTIFICATION
    if completed_on is not None:
        return Status.COMPLETED
    if today > target:
        return Status.DELAYED
    if progress == 0 and (today < start or last_report_on is None):
        return Status.NOT_STARTED
    return Status.IN_PROGRESS


def traffic_light(start: date, target: date, today: date, progress: int,
                  last_report_on: date | None, interval_days: int, *,
                  completed: bool = False) -> Light:
    """Green, amber or red, from the dates and the progress only.

    - overdue (red): not complete and past the target date, or no report within the interval;
    - at risk (amber): progress trails the share of the schedule used by more than
      LAG_POINTS points, or the target is within one interval and progress is below
      NEAR_TARGET_PROGRESS;
    - on track (green): everything else, and always once the project is complete.
    """
    if completed:
        return Light.ON_TRACK
    if today > target or report_overdue(start, today, last_report_on, interval_days):
        return Light.OVERDUE
    if expected_progress(start, target, today) - progress > LAG_POINTS:
        return Light.AT_RISK
    if (target - today).days <= interval_days and progress < NEAR_TARGET_PROGRESS:
        return Light.AT_RISK
    return Light.ON_TRACK


def assess(*, start: date, target: date, today: date, progress: int,
           completed_on: date | None = None, rectifying: bool = False,
           last_report_on: date | None = None,
           interval_days: int = REPORT_INTERVAL_DAYS) -> Standing:
    """Every rule above, for one project on one day."""
    if not 0 <= progress <= 100:
        raise ValueError("progress must be within 0..100")
    completed = completed_on is not None
    return Standing(
        progress=progress,
        expected=expected_progress(start, target, today),
        status=project_status(start=start, target=target, today=today, progress=progress,
                              completed_on=completed_on, rectifying=rectifying,
                              last_report_on=last_report_on),
        light=traffic_light(start, target, today, progress, last_report_on, interval_days,
                            completed=completed),
        report_overdue=report_overdue(start, today, last_report_on, interval_days,
                                      completed=completed),
        days_late=days_late(target, today, completed=completed),
        report_days_late=report_days_late(start, today, last_report_on, interval_days,
                                          completed=completed),
    )


def follow_up_late(requested_on: date, due_on: date | None, today: date, *,
                   answer_days: int = FOLLOW_UP_ANSWER_DAYS) -> bool:
    """An unanswered follow-up is late after its own due date, or answer_days without one."""
    deadline = due_on if due_on is not None else requested_on + timedelta(days=answer_days)
    return today > deadline


def needs_escalation(*, standing: Standing, today: date,
                     open_follow_ups: Sequence[tuple[date, date | None]] = (),
                     overdue_days: int = OVERDUE_ESCALATION_DAYS,
                     answer_days: int = FOLLOW_UP_ANSWER_DAYS) -> EscalationCheck:
    """督办 grounds: past the target date, or without a progress report, by more than
    overdue_days (either is ground OVERDUE); or an unanswered follow-up that is late.

    `open_follow_ups` are the unanswered ones, as (requested on, due on or None).
    """
    late = sum(follow_up_late(asked, due, today, answer_days=answer_days)
               for asked, due in open_follow_ups)
    grounds = []
    if max(standing.days_late, standing.report_days_late) > overdue_days:
        grounds.append(Grounds.OVERDUE)
    if late:
        grounds.append(Grounds.UNANSWERED)
    return EscalationCheck(days_late=standing.days_late,
                           report_days_late=standing.report_days_late, late_follow_ups=late,
                           grounds=tuple(grounds))
