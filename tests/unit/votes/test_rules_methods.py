"""Unit tests of ballot methods: what may be marked, blanks, selection bounds."""

from __future__ import annotations

import pytest

from tests.unit.votes.rules_builders import (
    FAILED,
    statuses,
)
from votes.rules import (
    ABSTAIN,
    METHODS,
    NO,
    YES,
    BallotRules,
    CandidateInput,
    InvalidBallot,
    Method,
    ThresholdBase,
    tally,
    validate_choices,
)
from votes.tally_methods import Approval, YesNo, YesNoAbstain

# --- ballot methods -------------------------------------------------------------------------


def test_registry_holds_one_strategy_per_method():
    assert set(METHODS) == {"YNA", "YN", "Y"}
    assert METHODS["YNA"] is YesNoAbstain and METHODS[Method.YN] is YesNo
    assert METHODS["Y"] is Approval


def test_yna_blank_counts_as_abstain():
    rules = BallotRules(method=Method.YNA)
    assert validate_choices(rules, [1, 2, 3], {1: "yes", 3: ""}) == {
        1: YES,
        2: ABSTAIN,
        3: ABSTAIN,
    }


def test_yna_blank_is_tallied_as_abstain():
    rules = BallotRules(method=Method.YNA, threshold_base=ThresholdBase.CAST)
    ballots = [{1: "yes"}, {}, {1: None, 2: "no"}]
    result = tally(rules, [CandidateInput(1), CandidateInput(2)], ballots, entitled=3, present=3)
    assert (result.row(1).yes, result.row(1).no, result.row(1).abstain) == (1, 0, 2)
    assert (result.row(2).yes, result.row(2).no, result.row(2).abstain) == (0, 1, 2)


def test_yn_blank_counts_as_abstain_but_abstain_cannot_be_ticked():
    rules = BallotRules(method=Method.YN)
    assert validate_choices(rules, ["a", "b"], {"a": "no"}) == {"a": NO, "b": ABSTAIN}
    with pytest.raises(InvalidBallot) as err:
        validate_choices(rules, ["a", "b"], {"a": "abstain"})
    assert err.value.code == "choice_not_allowed"
    assert err.value.message_params == {"candidate_id": "a", "choice": "abstain", "method": "YN"}


def test_approval_records_only_ticks():
    rules = BallotRules(method=Method.Y)
    assert validate_choices(rules, ["a", "b", "c"], {"a": "yes", "c": None}) == {"a": YES}


@pytest.mark.parametrize("bad", [NO, ABSTAIN, "maybe"])
def test_approval_allows_only_yes(bad):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=Method.Y), ["a"], {"a": bad})
    assert err.value.code == "choice_not_allowed"


@pytest.mark.parametrize("method", list(Method))
@pytest.mark.parametrize("bad", ["oui", 1, True, ["yes"], "y"])
def test_nonsense_choice_is_not_allowed(method, bad):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=method), ["a"], {"a": bad})
    assert err.value.code == "choice_not_allowed"


@pytest.mark.parametrize("method", list(Method))
def test_choices_are_normalised(method):
    assert validate_choices(BallotRules(method=method), ["a"], {"a": " YES "}) == {"a": YES}


@pytest.mark.parametrize("method", list(Method))
def test_unknown_candidate(method):
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(method=method), [1, 2], {3: "yes"})
    assert err.value.code == "unknown_candidate"
    assert err.value.message_params == {"candidate_id": 3}
    assert err.value.params is err.value.message_params


def test_candidate_ids_are_not_coerced():
    # A form posts "1"; matching it to candidate 1 is the caller's job, not a silent guess.
    with pytest.raises(InvalidBallot) as err:
        validate_choices(BallotRules(), [1], {"1": "yes"})
    assert err.value.code == "unknown_candidate"


@pytest.mark.parametrize(
    ("ticks", "code"),
    [
        (0, "too_few_selections"),
        (1, None),
        (2, None),
        (3, "too_many_selections"),
        (4, "too_many_selections"),
    ],
)
def test_approval_selection_bounds(ticks, code):
    rules = BallotRules(method=Method.Y, min_selections=1, max_selections=2)
    ids = ["a", "b", "c", "d"]
    choices = {cid: YES for cid in ids[:ticks]}
    if code is None:
        assert validate_choices(rules, ids, choices) == choices
    else:
        with pytest.raises(InvalidBallot) as err:
            validate_choices(rules, ids, choices)
        assert err.value.code == code
        limit = {"too_few_selections": ("min", 1), "too_many_selections": ("max", 2)}[code]
        assert err.value.message_params == {limit[0]: limit[1], "got": ticks}


def test_selection_bounds_count_yes_marks_under_yna():
    rules = BallotRules(method=Method.YNA, max_selections=1)
    assert validate_choices(rules, ["a", "b"], {"a": YES, "b": NO})
    with pytest.raises(InvalidBallot) as err:
        validate_choices(rules, ["a", "b"], {"a": YES, "b": YES})
    assert err.value.code == "too_many_selections"


def test_approval_blank_ballot_is_allowed_without_minimum():
    rules = BallotRules(method=Method.Y, threshold_base=ThresholdBase.CAST)
    assert validate_choices(rules, ["a"], {}) == {}


def test_impossible_minimum_is_a_configuration_error():
    with pytest.raises(ValueError):
        validate_choices(BallotRules(method=Method.Y, min_selections=3), ["a", "b"], {})


def test_duplicate_candidate_ids_raise():
    with pytest.raises(ValueError):
        validate_choices(BallotRules(), ["a", "a"], {})
    with pytest.raises(ValueError):
        tally(BallotRules(), [CandidateInput("a"), CandidateInput("a")], [], 1, 1)


def test_tally_rejects_a_stored_ballot_that_breaks_the_rules():
    rules = BallotRules(method=Method.Y, max_selections=1)
    with pytest.raises(InvalidBallot) as err:
        tally(rules, [CandidateInput("a"), CandidateInput("b")], [{"a": YES, "b": YES}], 1, 1)
    assert err.value.code == "too_many_selections"


def test_approval_tally_counts_ticks_against_ballots_cast():
    rules = BallotRules(method=Method.Y, threshold_base=ThresholdBase.CAST, seats=2)
    candidates = [CandidateInput(c) for c in "abc"]
    ballots = [{"a": YES, "b": YES}, {"a": YES}, {"b": YES}, {}]
    result = tally(rules, candidates, ballots, entitled=4, present=4)
    assert [(r.yes, r.no, r.abstain, r.base) for r in result.rows] == [
        (2, 0, 0, 4),
        (2, 0, 0, 4),
        (0, 0, 0, 4),
    ]
    assert statuses(result) == {"a": FAILED, "b": FAILED, "c": FAILED}  # 2 of 4 is half
    result = tally(rules, candidates, [*ballots[:3], {"a": YES}], entitled=4, present=4)
    assert result.adopted == ("a",)
