"""The three rates as exact fractions: what each counts, as of when, and the one rounding."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from proposals.requests.clock import TZ
from proposals.requests.rates import (
    Dispatch,
    FirstRating,
    Handling,
    Rate,
    month_bounds,
    parse_month,
    response_rate,
    satisfaction_rate,
    three_rates,
)

NOV = (2026, 11)
AS_OF = datetime(2026, 12, 1, 9, tzinfo=TZ)


def at(d, h=10):
    return datetime(2026, 11, d, h, tzinfo=TZ)


def test_the_response_rate_counts_what_is_decided_and_signed_in_time():
    dispatches = [
        Dispatch(1, at(2), at(3), at(2, 15)),  # on time
        Dispatch(1, at(5), at(6), at(6, 11)),  # an hour late
        Dispatch(1, at(9), at(10), None),  # never signed, limit passed
        Dispatch(1, datetime(2026, 11, 30, 20, tzinfo=TZ),
                 datetime(2026, 12, 1, 20, tzinfo=TZ), None),  # still within its hours
        Dispatch(1, datetime(2026, 10, 31, 23, tzinfo=TZ), at(1, 23), at(1)),  # October's
    ]
    assert response_rate(dispatches, NOV, AS_OF) == Rate("response", 1, 3)


def test_a_month_is_beijings_calendar_month():
    # 16:30 UTC on Nov 30 is already Dec 1 in Beijing: December's, not November's.
    from datetime import UTC

    late = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    assert response_rate([Dispatch(1, late, late + timedelta(hours=2), late)], NOV,
                         AS_OF).denominator == 0


def test_the_three_rates_of_a_built_month_per_unit():
    handlings = [Handling(1, at(10, 23), at(9)), Handling(1, at(12, 23), at(13)),
                 Handling(1, at(20, 23), None), Handling(2, at(20, 23), at(19)),
                 Handling(1, datetime(2026, 12, 3, 23, tzinfo=TZ), None)]  # not due yet
    ratings = [FirstRating(1, at(11), "satisfied"), FirstRating(1, at(14), "basically_satisfied"),
               FirstRating(1, at(15), "unsatisfied"), FirstRating(2, at(20), "unsatisfied")]
    dispatches = [Dispatch(2, at(2), at(3), at(2, 12))]
    one = three_rates(1, NOV, AS_OF, dispatches=dispatches, handlings=handlings,
                      ratings=ratings)
    assert one.response == Rate("response", 0, 0) and one.response.per_mille() is None
    assert one.resolution == Rate("resolution", 1, 3)
    assert one.satisfaction == Rate("satisfaction", 2, 3)
    two = three_rates(2, NOV, AS_OF, dispatches=dispatches, handlings=handlings,
                      ratings=ratings)
    assert (two.response, two.resolution, two.satisfaction) == (
        Rate("response", 1, 1), Rate("resolution", 1, 1), Rate("satisfaction", 0, 1))


def test_the_percentage_is_rounded_half_up_to_a_tenth_in_integers():
    assert Rate("x", 1, 3).per_mille() == 333  # 33.3%
    assert Rate("x", 2, 3).per_mille() == 667  # 66.7%
    assert Rate("x", 1, 8).per_mille() == 125  # 12.5% exactly
    assert Rate("x", 1, 16).per_mille() == 63  # 6.25% → 6.3%
    assert Rate("x", 0, 5).per_mille() == 0 and Rate("x", 5, 5).per_mille() == 1000


@given(num=st.integers(0, 10_000), extra=st.integers(0, 10_000))
def test_the_tenths_are_the_exact_fraction_rounded(num, extra):
    den = num + extra
    if den == 0:
        return
    tenths = Rate("x", num, den).per_mille()
    # |tenths/1000 - num/den| <= 1/2000, checked in integers.
    assert abs(2000 * num - 2 * tenths * den) <= den


def test_satisfaction_counts_satisfied_and_basically_satisfied():
    ratings = [FirstRating(1, at(3), r) for r in ("satisfied", "basically_satisfied",
                                                   "unsatisfied", "unsatisfied")]
    assert satisfaction_rate(ratings, NOV) == Rate("satisfaction", 2, 4)


def test_months_are_read_strictly():
    assert parse_month("2026-11") == (2026, 11)
    for text in (None, "", "2026-13", "2026-1", "26-11", "2026/11", "abcd-ef", "1999-01"):
        assert parse_month(text) is None
    assert [d.isoformat() for d in month_bounds((2026, 12))] == ["2026-12-01", "2027-01-01"]
