"""Page through a select() with a count; page numbers out of range fall back to the last page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.numbers import arg_int


@dataclass(frozen=True)
class Page:
    items: list[Any]
    number: int
    size: int
    total: int

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


def paginate(session: Session, stmt: Select, size: int, number: int | None = None) -> Page:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    number = number or requested_page()
    pages = max(1, -(-total // size))
    number = min(number, pages)
    items = list(session.scalars(stmt.limit(size).offset((number - 1) * size)))
    return Page(items=items, number=number, size=size, total=total)
