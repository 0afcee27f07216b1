"""The shortlist's budget view: totals, ratio and every warning, from plain numbers."""

import pytest

from proposals.shortlist.budget import budget_view


def test_a_healthy_competitive_shortlist_has_no_warnings():
    view = budget_view(1_000, 2, [300, 400, 500])
    assert (view.total_cost, view.cheapest_seats_cost, view.ratio) == (1_200, 700, "3:2")
    assert view.remaining == -200  # more candidates than the budget is normal in 差额票决
    assert view.warnings == ()


@pytest.mark.parametrize(
    "budget, seats, costs, expected",
    [
        (None, 2, [1, 2, 3], {"no_budget"}),
        (100, None, [1, 2, 3], {"no_seats"}),
        (100, 2, [], {"no_candidates"}),
        (100, 3, [10, 20, 30], {"not_competitive"}),
        (100, 3, [10, 20], {"not_competitive"}),
        (100, 2, [60, 50, 70], {"cannot_fit"}),  # the two cheapest cost 110
        (100, 2, [50, 50, 70], set()),  # exactly the budget fits
        (100, 2, [10, 20, 150], {"candidate_over_budget"}),
        (100, 3, [120, 130], {"not_competitive", "cannot_fit", "candidate_over_budget"}),
    ],
)
def test_warnings(budget, seats, costs, expected):
    assert set(budget_view(budget, seats, costs).warnings) == expected


def test_the_ratio_reads_like_chashe():
    assert budget_view(None, 10, [1] * 15).ratio == "15:10"
    assert budget_view(None, None, [1] * 15).ratio is None
