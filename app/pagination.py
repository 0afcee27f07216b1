"""Page through a select() with a count; page numbers out of range fall back to the last page.

Two options keep a long list's cost flat as it grows:

- `cap` counts at most that many rows: a list of 100,000 says "more than 1,000" and pages
  through the first 1,000 (a narrower filter finds the rest), instead of counting every row
  on every page view.
- `key` (the entity's primary key) first picks the page's keys, narrow rows sorted in the
  database, then loads those rows whole, instead of sorting every matching row whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session

from app.numbers import arg_int


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    total: int
    # True when there are more than `total` rows: the count stopped at the cap.
    capped: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def requested_page() -> int:
    return arg_int("page", 1)


def paginate(session: Session, stmt: Select, size: int, number: int | None = None, *,
             cap: int | None = None, key=None,
             listing: Callable[[int], Select] | None = None) -> Page:
    """One page of `stmt`'s rows. `listing`, given the count, is the statement that lists
    them, when the best plan depends on how many rows match."""
    counted = stmt.order_by(None)
    capped = False
    if cap is None:
        total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    else:
        rows = counted.with_only_columns(literal(1)).limit(cap + 1).subquery()
        total = session.scalar(select(func.count()).select_from(rows)) or 0
        capped, total = total > cap, min(total, cap)
    number = number or requested_page()
    pages = max(1, -(-total // size))
    number = min(number, pages)
    if listing is not None:
        stmt = listing(total)
    offset = (number - 1) * size
    # A capped list shows the cap's rows and no more, its last page included.
    window = stmt.limit(min(size, total - offset) if capped else size).offset(offset)
    if key is None:
        items = list(session.scalars(window))
    else:
        keys = list(session.scalars(window.with_only_columns(key)))
        entity = stmt.column_descriptions[0]["entity"]
        found = {getattr(row, key.key): row for row in
                 session.scalars(select(entity).where(key.in_(keys)))} if keys else {}
        items = [found[k] for k in keys if k in found]
    return Page(items=items, number=number, size=size, total=total, capped=capped)
