"""The council's pure rules: the topic loop's state machine, quorum, flags, ratings, minutes."""

from datetime import date
from itertools import product

import pytest

from proposals.council.rules import (
    LOOP_STEPS,
    OPEN_STATES,
    SCHEDULABLE,
    STEP_OF,
    TRANSITIONS,
    ActionLight,
    IllegalTransition,
    MinutesStatus,
    Rating,
    TopicEvent,
    TopicState,
    action_light,
    advance,
    after_rating,
    allowed_events,
    days_to_resolution,
    minutes_edit,
    quorum,
    resolution_bucket,
    satisfaction,
)

S, E = TopicState, TopicEvent

# The loop as the issue draws it, written out independently of TRANSITIONS.
EXPECTED = {
    (S.RECEIVED, E.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, E.DECIDE): S.DECIDED,
    (S.SCHEDULED, E.DEFER): S.DEFERRED,
    (S.DEFERRED, E.SCHEDULE): S.SCHEDULED,
    (S.DECIDED, E.START): S.IN_PROGRESS,
    (S.DECIDED, E.REPORT): S.REPORTED,
    (S.IN_PROGRESS, E.REPORT): S.REPORTED,
    (S.REPORTED, E.RATE): S.RATED,
    (S.RATED, E.CLOSE): S.CLOSED,
    (S.RATED, E.REOPEN): S.REOPENED,
    (S.REOPENED, E.SCHEDULE): S.SCHEDULED,
}


@pytest.mark.parametrize(("state", "event"), list(product(S, E)))
def test_every_state_and_event_is_either_a_step_of_the_loop_or_refused(state, event):
    if (state, event) in EXPECTED:
        assert advance(state, event) is EXPECTED[(state, event)]
    else:
        with pytest.raises(IllegalTransition) as refused:
            advance(state, event)
        assert (refused.value.state, refused.value.event) == (state.value, event.value)


def test_the_table_is_exactly_the_loop():
    assert TRANSITIONS == EXPECTED


def test_plain_strings_are_accepted_and_unknown_codes_refused():
    assert advance("received", "schedule") is S.SCHEDULED
    with pytest.raises(ValueError):
        advance("lost", "schedule")
    with pytest.raises(ValueError):
        advance("received", "vanish")


def test_closed_is_the_only_end_and_every_state_can_reach_it():
    assert OPEN_STATES == frozenset(S) - {S.CLOSED}
    assert allowed_events(S.CLOSED) == frozenset()
    for start in S:
        seen, frontier = {start}, [start]
        while frontier:
            here = frontier.pop()
            for event in allowed_events(here):
                nxt = advance(here, event)
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert S.CLOSED in seen, start


def test_a_full_round_with_a_reopening_walks_the_whole_loop():
    state = S.RECEIVED
    for event in (E.SCHEDULE, E.DECIDE, E.START, E.REPORT, E.RATE, E.REOPEN, E.SCHEDULE,
                  E.DEFER, E.SCHEDULE, E.DECIDE, E.REPORT, E.RATE, E.CLOSE):
        state = advance(state, event)
    assert state is S.CLOSED


def test_schedulable_states_and_loop_steps():
    assert SCHEDULABLE == {S.RECEIVED, S.DEFERRED, S.REOPENED}
    assert set(STEP_OF) == set(S) and set(STEP_OF.values()) == set(LOOP_STEPS)
    assert [STEP_OF[s] for s in (S.RECEIVED, S.IN_PROGRESS, S.REPORTED, S.RATED,
                                 S.REOPENED)] == list(LOOP_STEPS)


@pytest.mark.parametrize(("rating", "event"), [
    ("satisfied", E.CLOSE), ("basically_satisfied", E.CLOSE), ("dissatisfied", E.REOPEN)])
def test_only_dissatisfaction_reopens(rating, event):
    assert after_rating(rating) is event
    with pytest.raises(ValueError):
        after_rating("meh")


def test_satisfaction_counts_basically_satisfied_and_rounds_down():
    assert satisfaction([]).percent is None
    rate = satisfaction([Rating.SATISFIED, "basically_satisfied", "dissatisfied"])
    assert (rate.ratings, rate.satisfied, rate.percent) == (3, 2, 66)


@pytest.mark.parametrize(("present", "members", "met", "needed"), [
    (0, 9, False, 5), (4, 9, False, 5), (5, 9, True, 5), (9, 9, True, 5),
    (2, 4, False, 3), (3, 4, True, 3), (1, 1, True, 1), (0, 0, False, 1),
])
def test_quorum_is_more_than_half_by_default(present, members, met, needed):
    check = quorum(present, members)
    assert (check.met, check.needed) == (met, needed)
    assert check.met == (present >= check.needed and members > 0)


def test_a_configured_quorum_of_two_thirds():
    assert not quorum(6, 9, 2, 3).met and quorum(7, 9, 2, 3).met
    assert quorum(7, 9, 2, 3).needed == 7


@pytest.mark.parametrize("args", [(5, 4), (-1, 4), (1, 4, 1, 1), (1, 4, 2, 1), (1, 4, 0, 0),
                                  (True, 4)])
def test_impossible_quorums_are_refused(args):
    with pytest.raises(ValueError):
        quorum(*args)


@pytest.mark.parametrize(("done", "today", "light"), [
    (None, date(2027, 3, 14), ActionLight.OPEN),
    (None, date(2027, 3, 15), ActionLight.OPEN),  # due today is not late yet
    (None, date(2027, 3, 16), ActionLight.OVERDUE),
    (date(2027, 3, 15), date(2027, 4, 1), ActionLight.DONE),
    (date(2027, 3, 16), date(2027, 4, 1), ActionLight.DONE_LATE),
])
def test_action_items_are_flagged_overdue_after_their_due_date(done, today, light):
    assert action_light(date(2027, 3, 15), done, today) is light


def test_days_to_resolution_and_their_buckets():
    assert days_to_resolution(date(2027, 3, 1), None) is None
    assert days_to_resolution(date(2027, 3, 1), date(2027, 3, 31)) == 30
    assert [resolution_bucket(d) for d in (0, 7, 8, 30, 31, 90, 91, 400)] == [
        "week", "week", "month", "month", "quarter", "quarter", "longer", "longer"]


def test_draft_minutes_change_freely_approved_minutes_only_with_a_reason():
    assert minutes_edit(MinutesStatus.DRAFT, None) is None
    assert minutes_edit("approved", "  补记缺席人数 ") == "补记缺席人数"
    for reason in (None, "", "   "):
        with pytest.raises(ValueError):
            minutes_edit("approved", reason)
