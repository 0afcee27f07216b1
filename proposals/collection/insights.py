"""What residents ask for most (未诉先办): counts by category, place, month; frequent terms."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.collection.models import Proposal
from proposals.collection.text import segment, top_terms

# Frequent terms are counted over the newest proposals only, so the page stays fast
# with a hundred thousand of them; the counts by category and place cover all.
TERMS_SAMPLE = 3000


def _visible(cycle_id: int | None):
    clauses = [Proposal.hidden.is_(False), Proposal.merged_into_id.is_(None)]
    if cycle_id is not None:
        clauses.append(Proposal.cycle_id == cycle_id)
    return clauses


def by_category(session: Session, cycle_id: int | None = None) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Proposal.category, func.count()).where(*_visible(cycle_id))
        .group_by(Proposal.category).order_by(func.count().desc(), Proposal.category)
    )
    return [(category, n) for category, n in rows]


def by_place(session: Session, cycle_id: int | None = None, limit: int = 15
             ) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Proposal.street, Proposal.community, func.count()).where(*_visible(cycle_id))
        .group_by(Proposal.street, Proposal.community)
        .order_by(func.count().desc(), Proposal.street, Proposal.community).limit(limit)
    )
    return [(f"{street} {community}", n) for street, community, n in rows]


def by_month(session: Session, cycle_id: int | None = None) -> list[tuple[str, int]]:
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(Proposal.created_at, "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", Proposal.created_at)
    rows = session.execute(
        select(month.label("month"), func.count()).where(*_visible(cycle_id))
        .group_by("month").order_by("month")
    )
    counts = {m: n for m, n in rows}
    if not counts:
        return []
    # Months without a proposal count as 0, so the line shows the gap instead of hiding it.
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    filled = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        filled.append((label, counts.get(label, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


# Words that say where, not what: they would crowd out the needs themselves.
PLACE_WORDS = frozenset({"社区", "街道", "小区", "区域", "附近", "周边"})


def frequent_terms(session: Session, cycle_id: int | None = None, n: int = 20
                   ) -> list[tuple[str, int]]:
    """The words residents use most in titles, leaving out place names."""
    rows = session.execute(
        select(Proposal.title, Proposal.street, Proposal.community).where(*_visible(cycle_id))
        .order_by(Proposal.created_at.desc()).limit(TERMS_SAMPLE)
    ).all()
    places = {name for row in rows for name in (row.street, row.community)}
    place_terms = set(PLACE_WORDS)
    for name in places:
        place_terms.update(segment(name))
        place_terms.add(name)
    ranked = top_terms((row.title for row in rows), n=n + len(place_terms))
    return [(term, count) for term, count in ranked if term not in place_terms][:n]
