"""Finding proposals: filters, sorting and Chinese full-text search on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, Select, case, column, func, literal_column, select, text
from sqlalchemy.orm import Session

from proposals.collection.models import Proposal, ProposalStatus
from proposals.collection.text import (
    fts5_match_expression,
    search_query_tokens,
    similar,
    tsquery_expression,
)

SORTS = ("newest", "cosigns", "comments")


@dataclass(frozen=True)
class ProposalFilter:
    cycle_id: int | None = None
    category: str | None = None
    street: str | None = None
    community: str | None = None
    status: str | None = None
    channel: str | None = None
    q: str = ""
    sort: str = "newest"
    include_hidden: bool = False


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def search_clause(session: Session, q: str, *, match_any: bool = False, in_order: bool = False):
    """A WHERE clause matching proposals whose title or description holds the query's words.

    SQLite: an FTS5 table over the jieba tokens (kept in step by triggers).
    PostgreSQL: to_tsvector('simple') over the same tokens, stored, with a GIN index.
    None when the query holds no word to search for.

    `in_order`: the list will be read newest first and the words match many proposals, so
    the database should walk the date index and keep the matches (a few hundred steps for a
    page) rather than fetch every match and sort them all. SQLite's unary `+` and
    PostgreSQL's COALESCE keep the term from choosing its own index.
    """
    tokens = search_query_tokens(q)
    if not tokens:
        return None
    if _dialect(session) == "sqlite":
        expr = fts5_match_expression(tokens, match_any=match_any)
        matching = text("SELECT rowid FROM proposal_fts WHERE proposal_fts MATCH :expr")
        key = literal_column("+proposals.id", Integer) if in_order else Proposal.id
        return key.in_(matching.bindparams(expr=expr).columns(column("rowid", Integer)))
    query = tsquery_expression(tokens, match_any=match_any)
    # The stored generated column to_tsvector('simple', search_text) (migration e8a4b0c6d532).
    vector = literal_column("proposals.search_vector")
    matches = vector.op("@@")(func.to_tsquery(literal_column("'simple'"), query))
    # Wrapped, the test cannot use the GIN index and its selectivity is not estimated from
    # the words (PostgreSQL multiplies their frequencies, so several common words look rare
    # and it would read the whole table to sort the matches): it walks the date index,
    # (hidden, created_at, id), testing each row's stored vector, and stops after the page.
    return func.coalesce(matches, False) if in_order else matches


def proposals_query(session: Session, f: ProposalFilter, *, many: bool = False) -> Select:
    """The proposals `f` chooses, in its order; `many` when a count found many matches."""
    stmt = select(Proposal)
    if f.cycle_id is not None:
        stmt = stmt.where(Proposal.cycle_id == f.cycle_id)
    for attribute, value in ((Proposal.category, f.category), (Proposal.street, f.street),
                             (Proposal.community, f.community), (Proposal.status, f.status),
                             (Proposal.channel, f.channel)):
        if value:
            stmt = stmt.where(attribute == value)
    if not f.include_hidden:
        stmt = stmt.where(Proposal.hidden.is_(False))
    if f.q.strip():
        clause = search_clause(session, f.q, in_order=many and f.sort not in SORT_COLUMNS)
        if clause is None:
            return stmt.where(literal_column("1") == 0)  # only punctuation: nothing matches
        stmt = stmt.where(clause)
    order = SORT_COLUMNS.get(f.sort, (Proposal.created_at.desc(), Proposal.id.desc()))
    return stmt.order_by(*order)


# The orders other than newest first (the default).
SORT_COLUMNS = {
    "cosigns": (Proposal.cosign_count.desc(), Proposal.id.desc()),
    "comments": (Proposal.comment_count.desc(), Proposal.id.desc()),
}


def similar_proposals(session: Session, title: str, *, cycle_id: int | None = None,
                      exclude_id: int | None = None, limit: int = 5,
                      threshold: float = 0.3) -> list[tuple[Proposal, float]]:
    """Proposals whose titles look like `title`: full-text finds candidates, jieba ranks them."""
    clause = search_clause(session, title, match_any=True)
    if clause is None:
        return []
    stmt = select(Proposal.id, Proposal.title).where(clause, Proposal.hidden.is_(False))
    if cycle_id is not None:
        stmt = stmt.where(Proposal.cycle_id == cycle_id)
    if exclude_id is not None:
        stmt = stmt.where(Proposal.id != exclude_id)
    candidates = session.execute(stmt.order_by(Proposal.id.desc()).limit(300)).all()
    ranked = similar(title, [(row.id, row.title) for row in candidates],
                     threshold=threshold, limit=limit)
    found = {p.id: p for p in session.scalars(
        select(Proposal).where(Proposal.id.in_([pid for pid, _ in ranked])))}
    return [(found[pid], score) for pid, score in ranked]


def distinct_places(session: Session, cycle_id: int | None = None) -> list[tuple[str, str]]:
    """(street, community) pairs in use, for the location filter."""
    stmt = select(Proposal.street, Proposal.community).distinct()
    if cycle_id is not None:
        stmt = stmt.where(Proposal.cycle_id == cycle_id)
    return [tuple(row) for row in session.execute(stmt.order_by(Proposal.street,
                                                                Proposal.community))]


def proposal_counts(session: Session, cycle_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per cycle: (proposals heard, proposals adopted by the ballot), in one query.

    Heard counts every visible proposal its author did not withdraw, merged ones included:
    each was read and answered.
    """
    if not cycle_ids:
        return {}
    adopted = func.sum(case((Proposal.status == ProposalStatus.ADOPTED.value, 1), else_=0))
    rows = session.execute(
        select(Proposal.cycle_id, func.count(Proposal.id), adopted)
        .where(Proposal.cycle_id.in_(cycle_ids), Proposal.hidden.is_(False),
               Proposal.status != ProposalStatus.WITHDRAWN.value)
        .group_by(Proposal.cycle_id))
    return {cycle_id: (heard, int(n or 0)) for cycle_id, heard, n in rows}
