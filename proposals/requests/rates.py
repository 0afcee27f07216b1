"""The three rates (三率) of a responsible unit for a month, as exact fractions of counts.

Each rate is a pair of whole numbers with its definition; nothing here divides. A month is a
calendar month in Asia/Shanghai, and a rate is counted "as of" a moment: a dispatch whose
sign-for limit has not run out yet and is not signed is left out of the response rate until
it is decided, and so on — so a rate never counts as late what may still be on time.

- Response rate (响应率): of the dispatches to the unit made in the month, counting those
  signed for or whose sign-for limit has passed, the share signed for within the limit.
- Resolution rate (解决率): of the handlings whose resolution deadline falls in the month,
  counting those answered or whose deadline has passed, the share answered by the deadline.
  A request reopened after an unsatisfied rating is due again: each handling counts.
- Satisfaction rate (满意率): of the requests the unit answered that were first rated in
  the month, the share rated 满意 or 基本满意. A request counts once, by its first rating.

Merged duplicates (merging.py): a request merged into another is about the same thing, so it
is left out of all three rates — its dispatch, its handlings and its ratings — and the thing
asked counts once, as the main request. Its requester becomes a co-requester of the main
request and may rate its reply once: that rating counts in the satisfaction rate as a first
rating of its own (for the unit answering when they rated, in the month they rated), so
each person asked is heard once whichever of the requests the desk kept as the main one.
The queries hand these rules plain facts (queries.month_facts); nothing here changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from proposals.requests.clock import local

SATISFIED = frozenset({"satisfied", "basically_satisfied"})


@dataclass(frozen=True)
class Rate:
    """`numerator` of `denominator`; `definition` names the rule above (响应率, …)."""

    definition: str
    numerator: int
    denominator: int

    @property
    def empty(self) -> bool:
        return self.denominator == 0

    def per_mille(self) -> int | None:
        """The rate in tenths of a percent, rounded half up in integers (None when empty)."""
        if self.denominator == 0:
            return None
        return (2000 * self.numerator + self.denominator) // (2 * self.denominator)


@dataclass(frozen=True)
class Dispatch:
    unit_id: int
    dispatched_at: datetime
    sign_due: datetime
    signed_at: datetime | None


@dataclass(frozen=True)
class Handling:
    """One round of handling: from a dispatch or a reopening to its reply."""

    unit_id: int
    resolve_due: datetime
    replied_at: datetime | None


@dataclass(frozen=True)
class FirstRating:
    unit_id: int
    rated_at: datetime
    rating: str


@dataclass(frozen=True)
class ThreeRates:
    unit_id: int
    month: tuple[int, int]
    response: Rate
    resolution: Rate
    satisfaction: Rate


def in_month(moment: datetime, month: tuple[int, int]) -> bool:
    day = local(moment).date()
    return (day.year, day.month) == month


def response_rate(dispatches: Iterable[Dispatch], month: tuple[int, int], as_of: datetime
                  ) -> Rate:
    decided = [d for d in dispatches if in_month(d.dispatched_at, month)
               and (d.signed_at is not None or local(d.sign_due) < local(as_of))]
    on_time = [d for d in decided
               if d.signed_at is not None and local(d.signed_at) <= local(d.sign_due)]
    return Rate("response", len(on_time), len(decided))


def resolution_rate(handlings: Iterable[Handling], month: tuple[int, int], as_of: datetime
                    ) -> Rate:
    due = [h for h in handlings if in_month(h.resolve_due, month)
           and (h.replied_at is not None or local(h.resolve_due) < local(as_of))]
    on_time = [h for h in due
               if h.replied_at is not None and local(h.replied_at) <= local(h.resolve_due)]
    return Rate("resolution", len(on_time), len(due))


def satisfaction_rate(ratings: Iterable[FirstRating], month: tuple[int, int]) -> Rate:
    rated = [r for r in ratings if in_month(r.rated_at, month)]
    return Rate("satisfaction", sum(1 for r in rated if r.rating in SATISFIED), len(rated))


def three_rates(unit_id: int, month: tuple[int, int], as_of: datetime, *,
                dispatches: Iterable[Dispatch], handlings: Iterable[Handling],
                ratings: Iterable[FirstRating]) -> ThreeRates:
    """The unit's three rates for the month, from every fact (other units' are skipped)."""
    return ThreeRates(
        unit_id=unit_id, month=month,
        response=response_rate([d for d in dispatches if d.unit_id == unit_id], month, as_of),
        resolution=resolution_rate([h for h in handlings if h.unit_id == unit_id], month,
                                   as_of),
        satisfaction=satisfaction_rate([r for r in ratings if r.unit_id == unit_id], month),
    )


def month_bounds(month: tuple[int, int]) -> tuple[date, date]:
    """The first day of the month and the first day of the next, for a query's range."""
    year, number = month
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    return date(year, number, 1), date(*after, 1)


def parse_month(text: str | None) -> tuple[int, int] | None:
    """"2026-11" as (2026, 11); None for anything else."""
    if not text or len(text) != 7 or text[4] != "-":
        return None
    year, number = text[:4], text[5:]
    if not (year.isdigit() and number.isdigit()) or not 1 <= int(number) <= 12:
        return None
    if not 2000 <= int(year) <= 2999:
        return None
    return int(year), int(number)
