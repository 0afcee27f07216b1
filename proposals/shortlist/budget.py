"""The shortlist's budget view as a pure function: totals, the 差额 ratio, and warnings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BudgetView:
    budget: int | None
    seats: int | None
    candidates: int
    total_cost: int
    cheapest_seats_cost: int | None  # the least that `seats` candidates together can cost
    warnings: tuple[str, ...]

    @property
    def ratio(self) -> str | None:
        """差额 as delegates say it: 15 candidates for 10 seats is '15:10'."""
        return f"{self.candidates}:{self.seats}" if self.seats else None

    @property
    def remaining(self) -> int | None:
        return None if self.budget is None else self.budget - self.total_cost


def budget_view(budget: int | None, seats: int | None, costs: list[int]) -> BudgetView:
    """Warnings: no_budget, no_seats, no_candidates, not_competitive (no more candidates than
    seats), cannot_fit (even the cheapest `seats` candidates exceed the budget), and
    candidate_over_budget (one candidate alone costs more than the whole budget)."""
    warnings = []
    ordered = sorted(costs)
    total = sum(ordered)
    cheapest = sum(ordered[:seats]) if seats and len(ordered) >= seats else None
    if budget is None:
        warnings.append("no_budget")
    if seats is None:
        warnings.append("no_seats")
    if not costs:
        warnings.append("no_candidates")
    if seats is not None and costs and len(costs) <= seats:
        warnings.append("not_competitive")
    if budget is not None and seats and costs:
        least = cheapest if cheapest is not None else total
        if least > budget:
            warnings.append("cannot_fit")
    if budget is not None and any(cost > budget for cost in costs):
        warnings.append("candidate_over_budget")
    return BudgetView(budget=budget, seats=seats, candidates=len(costs), total_cost=total,
                      cheapest_seats_cost=cheapest, warnings=tuple(warnings))
