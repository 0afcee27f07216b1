"""Unit tests of paper totals and of the rules' validation, JSON and hash."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from tests.unit.votes.rules_builders import (
    ADOPTED,
    FAILED,
    SKIPPED,
    TIE,
    ballots_for,
    statuses,
)
from votes.rules import (
    BallotRules,
    CandidateInput,
    Majority,
    Method,
    ThresholdBase,
    tally,
    tally_from_totals,
)

# --- paper totals ---------------------------------------------------------------------------


def test_paper_totals_tally():
    rules = BallotRules(seats=2, threshold_base=ThresholdBase.PRESENT)
    candidates = [CandidateInput("a", 10), CandidateInput("b", 20), CandidateInput("c", 30)]
    totals = {"a": (8, 1, 1), "b": (6, 2, 1), "c": (3, 6, 0)}
    result = tally_from_totals(rules, candidates, totals, 10, entitled=14, present=11)
    assert result.valid
    assert result.adopted == ("a", "b")
    assert result.total_adopted_cost == 30
    assert [r.needed for r in result.rows] == [6, 6, 6]
    assert statuses(result)["c"] == FAILED


def test_paper_totals_may_fall_short_of_ballots_cast():
    result = tally_from_totals(BallotRules(), [CandidateInput("a")], {"a": (6, 1, 0)}, 9, 10, 10)
    assert result.adopted == ("a",)


@pytest.mark.parametrize(
    ("method", "totals", "cast"),
    [
        (Method.YNA, {"a": (5, 3, 3)}, 10),  # 11 marks from 10 ballots
        (Method.YN, {"a": (6, 5, 0)}, 10),
        (Method.Y, {"a": (11, 0, 0)}, 10),
        (Method.Y, {"a": (3, 1, 0)}, 10),  # approval has no "no"
        (Method.Y, {"a": (3, 0, 1)}, 10),
        (Method.YNA, {"a": (-1, 0, 0)}, 10),
        (Method.YNA, {"a": (1.0, 0, 0)}, 10),
        (Method.YNA, {"a": (1, 0)}, 10),
        (Method.YNA, {}, 10),  # candidate missing
        (Method.YNA, {"a": (1, 0, 0), "z": (1, 0, 0)}, 10),  # unknown candidate
        (Method.YNA, {"a": (1, 0, 0)}, -1),
    ],
)
def test_inconsistent_paper_totals_raise(method, totals, cast):
    with pytest.raises(ValueError):
        tally_from_totals(BallotRules(method=method), [CandidateInput("a")], totals, cast, 10, 10)


def test_paper_totals_check_rules_first():
    with pytest.raises(ValueError):
        tally_from_totals(BallotRules(seats=0), [CandidateInput("a")], {"a": (1, 0, 0)}, 1, 1, 1)


# --- rules: validation, canonical JSON, hash ------------------------------------------------


def test_defaults():
    rules = BallotRules()
    assert rules.method is Method.YNA
    assert rules.threshold_base is ThresholdBase.ENTITLED
    assert rules.majority is Majority.SIMPLE
    assert (rules.seats, rules.budget_cap, rules.quorum_num, rules.quorum_den) == (1, None, 1, 2)
    assert (rules.min_selections, rules.max_selections, rules.secret) == (0, None, True)
    rules.validate()


def test_plain_strings_become_enums():
    rules = BallotRules(method="Y", threshold_base="cast", majority="two_thirds")
    assert rules == BallotRules(Method.Y, ThresholdBase.CAST, Majority.TWO_THIRDS)
    assert rules.method is Method.Y


@pytest.mark.parametrize(
    "kwargs", [{"method": "YNAB"}, {"threshold_base": "all"}, {"majority": "most"}]
)
def test_unknown_enum_values_raise(kwargs):
    with pytest.raises(ValueError):
        BallotRules(**kwargs)


def test_rules_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        BallotRules().seats = 3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seats": 0},
        {"seats": -1},
        {"seats": True},
        {"seats": 1.5},
        {"budget_cap": 0},
        {"budget_cap": -5},
        {"budget_cap": 10.0},
        {"min_selections": -1},
        {"max_selections": 0},
        {"min_selections": 3, "max_selections": 2},
        {"max_selections": "2"},
        {"quorum_den": 0},
        {"quorum_num": -1},
        {"quorum_num": 3, "quorum_den": 2},
        {"quorum_num": 1.0},
        {"secret": "yes"},
        {"method": "Y", "threshold_base": "yes_no"},
    ],
)
def test_nonsense_rules_are_rejected(kwargs):
    with pytest.raises(ValueError):
        BallotRules(**kwargs).validate()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"seats": 5, "budget_cap": 1},
        {"method": "Y", "min_selections": 2, "max_selections": 2},
        {"quorum_num": 0, "quorum_den": 1},
        {"quorum_num": 2, "quorum_den": 3},
        {"quorum_num": 1, "quorum_den": 1},
        {"secret": False},
        {"method": "YN", "threshold_base": "yes_no", "majority": "three_quarters"},
    ],
)
def test_sensible_rules_validate(kwargs):
    BallotRules(**kwargs).validate()


def test_tally_checks_rules_first():
    with pytest.raises(ValueError):
        tally(BallotRules(seats=0), [CandidateInput("a")], [], 1, 1)


def test_canonical_json_is_exact_and_sorted():
    expected = (
        '{"budget_cap":null,"majority":"simple","max_selections":null,"method":"YNA",'
        '"min_selections":0,"quorum_den":2,"quorum_num":1,"seats":1,"secret":true,'
        '"threshold_base":"entitled"}'
    )
    assert BallotRules().canonical_json() == expected
    data = json.loads(expected)
    assert list(data) == sorted(data)


def test_canonical_json_does_not_depend_on_how_rules_were_built():
    a = BallotRules(method="YN", threshold_base="cast", majority="two_thirds", seats=2)
    b = BallotRules(
        seats=2, majority=Majority.TWO_THIRDS, threshold_base=ThresholdBase.CAST, method=Method.YN
    )
    assert a.canonical_json() == b.canonical_json()
    assert a.rules_hash() == b.rules_hash()


def test_rules_hash_is_sha256_of_canonical_json():
    rules = BallotRules(seats=3, budget_cap=500)
    expected = hashlib.sha256(rules.canonical_json().encode()).hexdigest()
    assert rules.rules_hash() == expected
    assert len(expected) == 64


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("method", Method.YN),
        ("threshold_base", ThresholdBase.PRESENT),
        ("majority", Majority.TWO_THIRDS),
        ("seats", 2),
        ("budget_cap", 100),
        ("min_selections", 1),
        ("max_selections", 3),
        ("quorum_num", 2),
        ("quorum_den", 3),
        ("secret", False),
        ("check_in_required", True),
    ],
)
def test_rules_hash_changes_when_any_rule_changes(field, value):
    base = BallotRules()
    changed = dataclasses.replace(base, **{field: value})
    assert changed.rules_hash() != base.rules_hash()


def test_every_field_is_covered_by_the_hash_test():
    covered = {
        "method",
        "threshold_base",
        "majority",
        "seats",
        "budget_cap",
        "min_selections",
        "max_selections",
        "quorum_num",
        "quorum_den",
        "check_in_required",
        "secret",
    }
    assert {f.name for f in dataclasses.fields(BallotRules)} == covered


def test_canonical_json_round_trips():
    rules = BallotRules(method="Y", threshold_base="cast", seats=3, budget_cap=900, secret=False)
    assert BallotRules.from_json(rules.canonical_json()) == rules


@pytest.mark.parametrize("text", ['{"seats":1,"colour":"red"}', "[1]"])
def test_from_json_rejects_unknown_shapes(text):
    with pytest.raises(ValueError):
        BallotRules.from_json(text)


# --- end to end -----------------------------------------------------------------------------


def test_full_tally_with_budget_and_tie():
    rules = BallotRules(
        method=Method.YNA, threshold_base=ThresholdBase.CAST, seats=3, budget_cap=100
    )
    candidates = [
        CandidateInput("playground", 60),
        CandidateInput("lights", 30),
        CandidateInput("benches", 30),
        CandidateInput("lift", 200),
        CandidateInput("mural", 5),
    ]
    ballots = ballots_for(
        {
            "playground": (9, 1, 0),
            "lift": (8, 2, 0),
            "lights": (7, 3, 0),
            "benches": (7, 2, 1),
            "mural": (2, 8, 0),
        }
    )
    result = tally(rules, candidates, ballots, entitled=12, present=11)
    assert result.valid and result.reason is None
    assert (result.ballots_cast, result.entitled, result.present) == (10, 12, 11)
    assert result.adopted == ("playground",)
    assert result.tie_pending == ("lights", "benches")
    assert statuses(result) == {
        "playground": ADOPTED,
        "lights": TIE,
        "benches": TIE,
        "lift": SKIPPED,
        "mural": FAILED,
    }
    assert result.total_adopted_cost == 60
    assert [r.rank for r in result.rows] == [1, 3, 3, 2, None]
