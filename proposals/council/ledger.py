"""The council ledger (台账): every topic with owner, deadline, result and rating; CSV and XLSX."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from proposals.council.models import ActionItem, Council, Topic, TopicRating
from proposals.council.rules import (
    RESOLUTION_BUCKETS,
    ActionLight,
    Satisfaction,
    action_light,
    days_to_resolution,
    resolution_bucket,
    satisfaction,
)
from proposals.sheets import safe_cell


@dataclass(frozen=True)
class LedgerRow:
    id: int
    title: str
    category: str
    raised_by: str
    raised_on: date
    state: str
    owner: str  # members and outside parties handling its action items
    deadline: date | None  # the latest due date of its action items
    overdue: bool  # an action item is past due and not done
    result: str
    rating: str | None
    resolved_on: date | None
    days: int | None  # raised to closed
    reopened: int


def ledger(session: Session, council: Council, today: date) -> list[LedgerRow]:
    """One row per topic, the newest first."""
    topics = session.scalars(
        select(Topic).where(Topic.council_id == council.id)
        .options(selectinload(Topic.raised_by),
                 selectinload(Topic.actions).selectinload(ActionItem.assignee))
        .order_by(Topic.raised_on.desc(), Topic.id.desc()))
    rows = []
    for topic in topics:
        owners = list(dict.fromkeys(a.owner for a in topic.actions))
        rows.append(LedgerRow(
            id=topic.id, title=topic.title, category=topic.category,
            raised_by=topic.raised_by.display_name, raised_on=topic.raised_on,
            state=topic.state, owner="; ".join(owners),
            deadline=max((a.due_on for a in topic.actions), default=None),
            overdue=any(action_light(a.due_on, a.done_on, today) is ActionLight.OVERDUE
                        for a in topic.actions),
            result=topic.result or "", rating=topic.rating, resolved_on=topic.resolved_on,
            days=days_to_resolution(topic.raised_on, topic.resolved_on),
            reopened=topic.reopen_count))
    return rows


def category_counts(session: Session, council: Council) -> list[tuple[str, int]]:
    """Topics per category, the most frequent first."""
    return [(c, n) for c, n in session.execute(
        select(Topic.category, func.count()).where(Topic.council_id == council.id)
        .group_by(Topic.category).order_by(func.count().desc(), Topic.category))]


def resolution_counts(rows: Sequence[LedgerRow]) -> list[tuple[str, int]]:
    """Closed topics by how long they took, in bucket order (empty buckets included)."""
    counted = Counter(resolution_bucket(r.days) for r in rows if r.days is not None)
    return [(key, counted[key]) for _, key in RESOLUTION_BUCKETS]


def council_satisfaction(session: Session, council: Council) -> Satisfaction:
    """Every rating given, each round counted: a reopened topic's first verdict still counts."""
    return satisfaction(session.scalars(
        select(TopicRating.rating).join(Topic, Topic.id == TopicRating.topic_id)
        .where(Topic.council_id == council.id)))


def csv_bytes(headers: Sequence[str], table: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark, which Chinese Excel needs to read the text right."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in table:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(headers: Sequence[str], table: Sequence[Sequence[object]], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append([safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
