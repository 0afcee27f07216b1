"""The pure rules of satisfaction: the rate, its display, the bar, the verdict and the rounds."""

from fractions import Fraction
from itertools import product

import pytest

from proposals.evaluation.satisfaction import (
    DEFAULT_BAR,
    Counts,
    RaterKind,
    RoundState,
    below_bar,
    check_bar,
    next_round_refusal,
    percent_text,
    rate_tenths,
    rater_kind,
    satisfaction_rate,
    verdict,
)


def test_the_rate_counts_basically_satisfied_as_satisfied():
    assert satisfaction_rate(3, 1, 1) == (4, 5)
    assert satisfaction_rate(0, 0, 2) == (0, 2)
    assert satisfaction_rate(0, 0, 0) == (0, 0)  # nobody rated: no rate at all
    assert Counts(3, 1, 1).rate == (4, 5) and Counts(3, 1, 1).total == 5


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", None])
def test_counts_are_whole_numbers_not_below_zero(bad):
    with pytest.raises((TypeError, ValueError)):
        satisfaction_rate(bad, 0, 0)
    with pytest.raises((TypeError, ValueError)):
        Counts(0, bad, 0)


def test_display_rounds_half_up_to_a_tenth_with_integers_only():
    assert percent_text(5, 6) == "83.3%"
    assert percent_text(2, 3) == "66.7%"
    assert percent_text(1, 8) == "12.5%"  # 12.5 exactly
    assert percent_text(1, 16) == "6.3%"  # 6.25 rounds half up
    assert percent_text(3, 3) == "100.0%" and percent_text(0, 4) == "0.0%"
    assert percent_text(0, 0) is None and rate_tenths(0, 0) is None
    with pytest.raises(ValueError):
        rate_tenths(3, 2)


def test_tenths_agree_with_exact_fractions_everywhere():
    for good, total in ((g, t) for t in range(1, 120) for g in range(t + 1)):
        exact = Fraction(1000 * good, total)
        assert rate_tenths(good, total) == int(exact + Fraction(1, 2)), (good, total)


def test_the_bar_is_met_exactly_at_the_bar():
    assert not below_bar(Counts(4, 0, 1), 80)  # 80% of 5 is met by 4
    assert below_bar(Counts(3, 0, 1), 80)  # 75%
    assert not below_bar(Counts(2, 2, 1), 80)  # basically satisfied counts
    assert below_bar(Counts(799, 0, 201), 80) and not below_bar(Counts(800, 0, 200), 80)
    assert not below_bar(Counts(), 80)  # nobody rated: nothing to judge
    assert below_bar(Counts(0, 0, 1), 1) and not below_bar(Counts(1, 0, 0), 100)


def test_the_bar_comparison_equals_the_exact_one_for_every_small_case():
    for s, b, d, bar in product(range(6), range(6), range(6), (1, 50, 80, 85, 100)):
        total = s + b + d
        exact = total > 0 and Fraction(s + b, total) < Fraction(bar, 100)
        assert below_bar(Counts(s, b, d), bar) == exact


@pytest.mark.parametrize("bad", [0, 101, -5, 80.0, True])
def test_a_bar_is_a_whole_percentage_from_1_to_100(bad):
    with pytest.raises((TypeError, ValueError)):
        check_bar(bad)
    assert check_bar(DEFAULT_BAR) == 80


def test_either_group_below_the_bar_means_rectification():
    good, poor = Counts(9, 1, 0), Counts(5, 2, 3)
    assert verdict(good, good, 80).below == ()
    assert verdict(good, poor, 80).below == (RaterKind.RESIDENT,)
    assert verdict(poor, good, 80).below == (RaterKind.DELEGATE,)
    both = verdict(poor, poor, 80)
    assert both.rectify and both.below == (RaterKind.DELEGATE, RaterKind.RESIDENT)
    assert verdict(Counts(), Counts(), 80).rectify is False
    # Thousands of content residents do not outweigh the delegates, and vice versa.
    assert verdict(poor, Counts(5000, 0, 0), 80).rectify
    assert verdict(good, poor, 80).overall == Counts(14, 3, 3)


def test_a_delegate_of_the_assembly_rates_as_a_delegate_even_if_also_a_resident():
    assert rater_kind(seated_delegate=True, resident=True) is RaterKind.DELEGATE
    assert rater_kind(seated_delegate=True, resident=False) is RaterKind.DELEGATE
    assert rater_kind(seated_delegate=False, resident=True) is RaterKind.RESIDENT
    assert rater_kind(seated_delegate=False, resident=False) is None


@pytest.mark.parametrize(("completed", "latest", "refusal"), [
    (False, None, "project_not_completed"),
    (True, None, None),
    (True, RoundState(1, closed=False, below_bar=False, reports=0), "round_open"),
    (True, RoundState(1, closed=True, below_bar=False, reports=0), "evaluation_passed"),
    (True, RoundState(1, closed=True, below_bar=True, reports=0),
     "rectification_report_missing"),
    (True, RoundState(1, closed=True, below_bar=True, reports=1), None),
    (False, RoundState(2, closed=True, below_bar=True, reports=2), None),
])
def test_when_a_round_may_open(completed, latest, refusal):
    assert next_round_refusal(completed, latest) == refusal
