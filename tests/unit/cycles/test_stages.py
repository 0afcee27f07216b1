"""The stage machine: forward only, one stage at a time, only by an admin."""

import pytest

from proposals.cycles.stages import ORDER, Move, Stage, StageRefused, next_stage, plan_move


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
