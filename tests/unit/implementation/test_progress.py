"""The pure rules of implementation: progress, status, traffic light, lateness and 督办 grounds."""

from datetime import date, timedelta

import pytest

from proposals.implementation.progress import (
    Grounds,
    Light,
    Status,
    assess,
    days_late,
    derived_progress,
    expected_progress,
    follow_up_late,
    needs_escalation,
    project_status,
    report_days_late,
    report_due,
    report_overdue,
    traffic_light,
)

START = date(2027, 3, 1)
TARGET = date(2027, 12, 31)  # 305 days after START
D = timedelta(days=1)


# --- derived progress ---------------------------------------------------------

@pytest.mark.parametrize(("milestones", "expected"), [
    ([], 0),
    ([(1, False)], 0),
    ([(1, True)], 100),
    ([(1, True), (1, False)], 50),
    ([(1, True), (2, False)], 33),  # 33.3 rounded down
    ([(2, True), (1, False)], 66),  # 66.6 rounded down, never up
    ([(3, True), (3, True), (4, False)], 60),
    ([(999, True), (1, False)], 99),  # 99.9: not complete until every milestone is done
    ([(5, True), (5, True)], 100),
])
def test_derived_progress_is_the_done_share_of_the_weight_rounded_down(milestones, expected):
    assert derived_progress(milestones) == expected


@pytest.mark.parametrize("weight", [0, -1])
def test_a_milestone_without_positive_weight_is_refused(weight):
    with pytest.raises(ValueError, match="positive"):
        derived_progress([(weight, True), (1, False)])


# --- expected progress and reports ---------------------------------------------

@pytest.mark.parametrize(("today", "expected"), [
    (START - D, 0), (START, 0), (START + D, 0),  # 1/305 rounds down to 0
    (START + 4 * D, 1), (date(2027, 8, 1), 50),  # 153/305
    (TARGET - D, 99), (TARGET, 100), (TARGET + 30 * D, 100),
])
def test_expected_progress_is_the_share_of_the_schedule_used(today, expected):
    assert expected_progress(START, TARGET, today) == expected


def test_a_one_day_project_is_due_whole_on_its_day():
    assert expected_progress(START, START, START - D) == 0
    assert expected_progress(START, START, START) == 0
    assert expected_progress(START, START, START + D) == 100


def test_the_next_report_is_due_one_interval_after_the_last_or_the_start():
    assert report_due(START, None, 30) == date(2027, 3, 31)
    assert report_due(START, date(2027, 5, 10), 30) == date(2027, 6, 9)


@pytest.mark.parametrize(("today", "last", "overdue"), [
    (START - 10 * D, None, False),  # nothing is owed before the start
    (START + 30 * D, None, False),  # the due day itself is still in time
    (START + 31 * D, None, True),
    (date(2027, 6, 9), date(2027, 5, 10), False),
    (date(2027, 6, 10), date(2027, 5, 10), True),
])
def test_a_report_is_overdue_when_none_came_within_the_interval(today, last, overdue):
    assert report_overdue(START, today, last, 30) is overdue


def test_a_completed_project_owes_no_report():
    assert report_overdue(START, TARGET, None, 30, completed=True) is False


@pytest.mark.parametrize(("today", "late"), [
    (START - 100 * D, 0), (START, 0),
    (TARGET - D, 0), (TARGET, 0),  # the target day itself is still on time
    (TARGET + D, 1), (TARGET + 30 * D, 30), (TARGET + 141 * D, 141),
])
def test_days_late_count_from_the_target_date(today, late):
    assert days_late(TARGET, today) == late


def test_a_completed_project_is_never_late():
    assert days_late(TARGET, TARGET + 50 * D, completed=True) == 0


@pytest.mark.parametrize(("today", "last", "late"), [
    (START - 10 * D, None, 0),  # nothing is owed before the start
    (START + 30 * D, None, 0),  # due on the 30th day after the start: still in time
    (START + 31 * D, None, 1),
    (START + 60 * D, None, 30),
    (date(2027, 6, 9), date(2027, 5, 10), 0),  # due one interval after the last report
    (date(2027, 6, 10), date(2027, 5, 10), 1),
    (TARGET + 5 * D, TARGET - 60 * D, 35),  # reports are still owed past the target
])
def test_report_days_late_count_from_the_day_the_report_was_due(today, last, late):
    assert report_days_late(START, today, last, 30) == late
    assert report_overdue(START, today, last, 30) is (late > 0)


def test_a_completed_project_owes_no_report_however_long_ago_the_last():
    assert report_days_late(START, TARGET + 90 * D, START, 30, completed=True) == 0


def test_a_missed_report_does_not_make_the_project_late():
    """The tester's case: 171 days without a report, the planned end still ahead."""
    today = START + 171 * D
    standing = assess(start=START, target=TARGET, today=today, progress=30,
                      last_report_on=None, interval_days=30)
    assert today < TARGET and standing.status is Status.IN_PROGRESS
    assert (standing.days_late, standing.report_days_late) == (0, 141)
    assert standing.report_overdue is True


def test_past_the_target_and_without_a_report_each_count_from_their_own_day():
    standing = assess(start=START, target=TARGET, today=TARGET + 5 * D, progress=60,
                      last_report_on=TARGET - 60 * D, interval_days=30)
    assert (standing.days_late, standing.report_days_late) == (5, 35)
    reported = assess(start=START, target=TARGET, today=TARGET + 5 * D, progress=60,
                      last_report_on=TARGET, interval_days=30)
    assert (reported.days_late, reported.report_days_late) == (5, 0)
    assert reported.status is Status.DELAYED and reported.report_overdue is False


# --- status ----------------------------------------------------------------------

def status(today, progress=0, *, completed_on=None, rectifying=False, last=None):
    return project_status(start=START, target=TARGET, today=today, progress=progress,
                          completed_on=completed_on, rectifying=rectifying, last_report_on=last)


def test_status_before_the_start_and_before_any_report_is_not_started():
    assert status(START - D) is Status.NOT_STARTED
    assert status(START + 10 * D) is Status.NOT_STARTED  # started on paper, nothing reported
    assert status(START - D, last=START - 2 * D) is Status.NOT_STARTED


def test_status_once_work_is_reported_is_in_progress():
    assert status(START + 10 * D, last=START + 5 * D) is Status.IN_PROGRESS
    assert status(START - D, 10, last=START - D) is Status.IN_PROGRESS  # early work counts
    assert status(TARGET, 99, last=TARGET) is Status.IN_PROGRESS  # the target day itself


def test_status_past_the_target_without_completion_is_delayed():
    assert status(TARGET + D, 99, last=TARGET) is Status.DELAYED
    assert status(TARGET + D) is Status.DELAYED


def test_status_with_a_completion_date_is_completed_even_when_late():
    assert status(TARGET + 100 * D, 100, completed_on=TARGET + 10 * D) is Status.COMPLETED


def test_rectification_outranks_every_other_status():
    assert status(START - D, rectifying=True) is Status.RECTIFICATION
    assert status(TARGET + D, 100, completed_on=TARGET, rectifying=True) is Status.RECTIFICATION


# --- traffic light ------------------------------------------------------------------

def light(today, progress, last, interval=30, completed=False):
    return traffic_light(START, TARGET, today, progress, last, interval, completed=completed)


def test_on_track_when_progress_keeps_up_and_reports_come_in():
    assert light(date(2027, 8, 1), 50, date(2027, 7, 20)) is Light.ON_TRACK
    assert light(date(2027, 8, 1), 30, date(2027, 7, 20)) is Light.ON_TRACK  # lag 20: not more


def test_at_risk_when_progress_lags_the_schedule_by_more_than_20_points():
    assert light(date(2027, 8, 1), 29, date(2027, 7, 20)) is Light.AT_RISK  # lag 21


def test_at_risk_near_the_target_below_90_percent():
    near = TARGET - 30 * D  # within one interval (30 days) of the target
    assert light(near, 89, near) is Light.AT_RISK
    assert light(near, 90, near) is Light.ON_TRACK
    assert light(TARGET - 31 * D, 89, TARGET - 31 * D) is Light.ON_TRACK


def test_overdue_past_the_target_or_without_a_report_in_the_interval():
    assert light(TARGET + D, 99, TARGET) is Light.OVERDUE
    assert light(START + 31 * D, 50, None) is Light.OVERDUE
    assert light(date(2027, 8, 1), 60, date(2027, 6, 1)) is Light.OVERDUE


def test_a_longer_interval_tolerates_a_longer_silence():
    assert light(date(2027, 8, 1), 60, date(2027, 6, 1), interval=90) is Light.ON_TRACK


def test_a_completed_project_is_always_green():
    assert light(TARGET + 100 * D, 100, None, completed=True) is Light.ON_TRACK


def test_before_the_start_nothing_is_late():
    assert light(START - 60 * D, 0, None) is Light.ON_TRACK


# --- assess ---------------------------------------------------------------------------

def test_assess_puts_every_rule_together():
    standing = assess(start=START, target=TARGET, today=date(2027, 8, 1), progress=20,
                      last_report_on=date(2027, 6, 1), interval_days=30)
    assert standing.progress == 20 and standing.expected == 50
    assert standing.status is Status.IN_PROGRESS and standing.light is Light.OVERDUE
    assert standing.report_overdue is True and standing.report_days_late == 31
    assert standing.days_late == 0  # the target is months ahead


@pytest.mark.parametrize("progress", [-1, 101])
def test_assess_refuses_progress_outside_0_to_100(progress):
    with pytest.raises(ValueError):
        assess(start=START, target=TARGET, today=START, progress=progress)


# --- follow-ups and escalation -----------------------------------------------------------

def test_a_follow_up_is_late_after_its_due_date_or_15_days_without_one():
    asked = date(2027, 5, 1)
    assert follow_up_late(asked, None, date(2027, 5, 16)) is False
    assert follow_up_late(asked, None, date(2027, 5, 17)) is True
    assert follow_up_late(asked, date(2027, 6, 1), date(2027, 5, 20)) is False
    assert follow_up_late(asked, date(2027, 6, 1), date(2027, 6, 2)) is True
    assert follow_up_late(asked, None, date(2027, 5, 10), answer_days=5) is True


def escalation(today, *, last=None, follow_ups=(), completed_on=None, progress=40, **kw):
    standing = assess(start=START, target=TARGET, today=today, progress=progress,
                      completed_on=completed_on, last_report_on=last)
    return needs_escalation(standing=standing, today=today, open_follow_ups=follow_ups, **kw)


def test_escalation_when_late_by_more_than_the_threshold():
    assert escalation(TARGET + 30 * D, last=TARGET).grounds == ()
    check = escalation(TARGET + 31 * D, last=TARGET)
    assert check.grounds == (Grounds.OVERDUE,) and check.needed and check.days_late == 31
    assert escalation(TARGET + 11 * D, last=TARGET, overdue_days=10).needed


def test_escalation_when_reports_stopped_long_ago():
    check = escalation(date(2027, 8, 1), last=date(2027, 5, 1))
    assert check.grounds == (Grounds.OVERDUE,)
    assert (check.days_late, check.report_days_late) == (0, 62)


def test_escalation_for_a_missed_report_has_the_same_threshold():
    # last report 05-01, due 05-31: 30 days late on 06-30, 31 on 07-01
    assert escalation(date(2027, 6, 30), last=date(2027, 5, 1)).grounds == ()
    assert escalation(date(2027, 7, 1), last=date(2027, 5, 1)).grounds == (Grounds.OVERDUE,)


def test_escalation_for_late_follow_ups_and_both_grounds_together():
    asked = date(2027, 5, 1)
    check = escalation(date(2027, 5, 20), last=date(2027, 5, 10),
                       follow_ups=[(asked, None), (asked, date(2027, 6, 1))])
    assert check.grounds == (Grounds.UNANSWERED,) and check.late_follow_ups == 1
    both = escalation(TARGET + 40 * D, last=TARGET, follow_ups=[(asked, None)])
    assert both.grounds == (Grounds.OVERDUE, Grounds.UNANSWERED)


def test_no_escalation_for_a_completed_project_on_time_or_not():
    check = escalation(TARGET + 200 * D, completed_on=TARGET + 100 * D, progress=100)
    assert check.grounds == () and not check.needed
