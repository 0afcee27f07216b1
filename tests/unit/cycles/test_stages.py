"""The stage machine: one stage at a time, only by an admin; forward once the stage's work is
done, back with a reason while nothing made later would break."""

import pytest

from proposals.cycles.stages import (
    ORDER,
    REASON_MAX,
    Missing,
    Move,
    Stage,
    StageRefused,
    StageWork,
    back_refusals,
    check_work,
    clean_reason,
    next_stage,
    plan_move,
    plan_move_back,
    previous_stage,
    work_left,
)


def test_stages_run_in_the_documented_order():
    assert [s.value for s in ORDER] == [
        "collection", "shortlist", "ballot", "implementation", "evaluation", "closed",
    ]


@pytest.mark.parametrize("current, target", list(zip(ORDER, ORDER[1:], strict=False)))
def test_each_stage_moves_to_the_next(current, target):
    assert plan_move(current, target, actor_is_admin=True) == Move(current, target)
    assert next_stage(current) is target


def test_closed_has_no_next_stage():
    assert next_stage(Stage.CLOSED) is None


@pytest.mark.parametrize(
    "current, target, code",
    [
        ("shortlist", "collection", "not_forward"),
        ("ballot", "ballot", "not_forward"),
        ("evaluation", "collection", "not_forward"),
        ("collection", "ballot", "skips_a_stage"),
        ("collection", "closed", "skips_a_stage"),
        ("implementation", "closed", "skips_a_stage"),
        ("closed", "collection", "already_closed"),
        ("closed", "closed", "already_closed"),
        ("collection", "voting", "unknown_stage"),
        ("drafting", "shortlist", "unknown_stage"),
    ],
)
def test_refused_moves_say_why(current, target, code):
    with pytest.raises(StageRefused) as refused:
        plan_move(current, target, actor_is_admin=True)
    assert refused.value.code == code


@pytest.mark.parametrize("current, target", list(zip(ORDER, ORDER[1:], strict=False)))
def test_only_an_admin_moves_a_cycle(current, target):
    with pytest.raises(StageRefused) as refused:
        plan_move(current, target, actor_is_admin=False)
    assert refused.value.code == "not_admin"


# --- the work each stage hands the next ------------------------------------------------------

# A cycle whose every stage's work is done, as far as each guard looks.
DONE = StageWork(proposals=3, shortlist_submitted=True, ballots_opened=1, ballots_published=1)


@pytest.mark.parametrize("stage", list(Stage))
def test_a_stage_whose_work_is_done_may_be_left(stage):
    assert work_left(stage, DONE) == ()
    check_work(stage, DONE)  # raises nothing


@pytest.mark.parametrize("stage, work, missing", [
    (Stage.COLLECTION, StageWork(proposals=0), [Missing("no_proposals_yet")]),
    (Stage.SHORTLIST, StageWork(proposals=3), [Missing("shortlist_not_submitted")]),
    (Stage.BALLOT, StageWork(shortlist_submitted=True), [Missing("no_published_ballot")]),
    (Stage.BALLOT, StageWork(ballots_opened=1, ballots_unfinished=1),  # under way: said once
     [Missing("ballots_unfinished", {"n": 1})]),
    (Stage.BALLOT, StageWork(ballots_published=1, ballots_unfinished=2, ties_unsettled=1),
     [Missing("ballots_unfinished", {"n": 2}), Missing("tie_unsettled", {"n": 1})]),
    (Stage.IMPLEMENTATION, StageWork(projects=1, projects_awaiting=2),
     [Missing("projects_not_started", {"n": 2})]),
    (Stage.EVALUATION, StageWork(rounds=3, rounds_open=1),
     [Missing("rounds_still_open", {"n": 1})]),
])
def test_each_stage_says_what_is_left_before_it_may_be_left(stage, work, missing):
    assert list(work_left(stage, work)) == missing
    with pytest.raises(StageRefused) as refused:
        check_work(stage, work)
    assert (refused.value.code, refused.value.params) == (missing[0].code,
                                                          dict(missing[0].params))


@pytest.mark.parametrize("stage", [Stage.IMPLEMENTATION, Stage.EVALUATION, Stage.CLOSED])
def test_nothing_adopted_or_nothing_to_rate_is_no_dead_end(stage):
    # A ballot that adopted nothing leaves no project to start and nothing to rate.
    assert work_left(stage, StageWork(projects=0, projects_awaiting=0, rounds_open=0)) == ()


@pytest.mark.parametrize("stage", list(Stage))
def test_a_count_nobody_answered_for_holds_nothing_back(stage):
    # Without the contexts connected, only the cycle's own and its ballots' counts are known.
    known = StageWork(shortlist_submitted=True, ballots_published=1)
    assert work_left(stage, known) == ()
    assert back_refusals(stage, StageWork()) == ()


def test_work_of_other_stages_does_not_hold_a_stage_back():
    # An open rating round is evaluation's business, not collection's.
    assert work_left(Stage.COLLECTION, StageWork(proposals=1, rounds_open=2)) == ()


# --- moving back -------------------------------------------------------------------------------

@pytest.mark.parametrize("current, target", list(zip(ORDER[1:], ORDER, strict=False)))
def test_each_stage_but_the_first_moves_back_to_the_one_before(current, target):
    assert plan_move_back(current, target, actor_is_admin=True) == Move(current, target)
    assert previous_stage(current) is target


@pytest.mark.parametrize("current, target, code", [
    ("collection", "collection", "nothing_before"),
    ("ballot", "collection", "back_one_stage"),
    ("ballot", "ballot", "back_one_stage"),
    ("shortlist", "ballot", "back_one_stage"),
    ("closed", "shortlist", "back_one_stage"),
    ("ballot", "voting", "unknown_stage"),
])
def test_refused_moves_back_say_why(current, target, code):
    with pytest.raises(StageRefused) as refused:
        plan_move_back(current, target, actor_is_admin=True)
    assert refused.value.code == code


def test_only_an_admin_moves_a_cycle_back():
    with pytest.raises(StageRefused) as refused:
        plan_move_back("ballot", "shortlist", actor_is_admin=False)
    assert refused.value.code == "not_admin"


@pytest.mark.parametrize("stage, work, missing", [
    (Stage.SHORTLIST, StageWork(shortlist_submitted=True),
     Missing("shortlist_already_submitted")),
    (Stage.BALLOT, StageWork(ballots_opened=2), Missing("ballot_already_opened", {"n": 2})),
    (Stage.IMPLEMENTATION, StageWork(projects=1),
     Missing("projects_already_started", {"n": 1})),
    (Stage.EVALUATION, StageWork(rounds=4), Missing("rounds_already_opened", {"n": 4})),
])
def test_moving_back_is_refused_once_the_stage_has_made_its_record(stage, work, missing):
    assert back_refusals(stage, work) == (missing,)


@pytest.mark.parametrize("stage, work", [
    (Stage.SHORTLIST, StageWork(proposals=5)),  # screened, not submitted
    (Stage.BALLOT, StageWork(shortlist_submitted=True)),  # a draft ballot at most
    (Stage.IMPLEMENTATION, StageWork(ballots_opened=1, ballots_published=1)),
    (Stage.EVALUATION, StageWork(projects=2)),
    (Stage.CLOSED, DONE),
])
def test_moving_back_is_allowed_while_nothing_would_break(stage, work):
    assert back_refusals(stage, work) == ()


@pytest.mark.parametrize("typed, kept", [
    ("  提交过早，需补充两项建议  ", "提交过早，需补充两项建议"),
    ("line one\n line two", "line one line two"),
])
def test_a_reason_is_kept_as_typed_with_its_spaces_tidied(typed, kept):
    assert clean_reason(typed) == kept


@pytest.mark.parametrize("typed, code", [
    (None, "reason_required"), ("", "reason_required"), (" \n\t", "reason_required"),
    ("理" * (REASON_MAX + 1), "too_long"),
])
def test_a_move_back_without_a_reason_or_with_too_long_a_one_is_refused(typed, code):
    with pytest.raises(StageRefused) as refused:
        clean_reason(typed)
    assert refused.value.code == code and refused.value.params["field"] == "reason"
    assert clean_reason("理" * REASON_MAX) == "理" * REASON_MAX
