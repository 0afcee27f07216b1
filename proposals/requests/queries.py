"""Read-only questions about requests: lists for each desk, the public list, the rates' facts."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from proposals.requests import rates
from proposals.requests.clock import TZ
from proposals.requests.models import (
    CoRequester,
    Escalation,
    Pause,
    Request,
    RequestEvent,
    RequestRating,
    Round,
    Status,
    Unit,
)
from proposals.requests.services import HANDLING, utc
from votes.people import User


def public_list(*, status: str | None = None, category: str | None = None,
                community: str | None = None) -> Select:
    """Every request, newest first, filtered; a select() for the pager."""
    stmt = select(Request).options(selectinload(Request.unit))
    if status:
        stmt = stmt.where(Request.status == status)
    if category:
        stmt = stmt.where(Request.category == category)
    if community:
        stmt = stmt.where(Request.community == community)
    return stmt.order_by(Request.raised_at.desc(), Request.id.desc())


def communities(session: Session) -> list[str]:
    return list(session.scalars(select(Request.community).distinct().order_by(Request.community)))


def by_number(session: Session, number: str) -> Request | None:
    return session.scalar(select(Request).where(Request.number == number))


def raised_by(session: Session, user: User) -> list[Request]:
    return list(session.scalars(select(Request).where(Request.requester_id == user.id)
                                .options(selectinload(Request.unit),
                                         selectinload(Request.merged_into))
                                .order_by(Request.raised_at.desc(), Request.id.desc())))


def awaiting_dispatch(community: str | None = None) -> Select:
    """The dispatch desk: received and not yet sent to a unit, urgent and oldest first; with
    `community`, that community's queue."""
    stmt = select(Request).where(Request.status == Status.RAISED.value)
    if community:
        stmt = stmt.where(Request.community == community)
    return stmt.order_by((Request.urgency == "urgent").desc(), Request.raised_at, Request.id)


def awaiting_communities(session: Session) -> list[str]:
    """The communities with a request on the dispatch desk, for its filter."""
    return list(session.scalars(select(Request.community).where(
        Request.status == Status.RAISED.value).distinct().order_by(Request.community)))


def unit_queue(session: Session, unit: Unit) -> list[Request]:
    """What the unit still has to do (sign, handle, answer), the earliest deadline first."""
    return list(session.scalars(select(Request).where(
        Request.unit_id == unit.id, Request.status.in_([s.value for s in HANDLING]))
        .order_by(Request.resolve_due_at, Request.id)))


def unit_answered(session: Session, unit: Unit, limit: int = 20) -> list[Request]:
    return list(session.scalars(select(Request).where(
        Request.unit_id == unit.id,
        Request.status.in_([Status.REPLIED.value, Status.CLOSED.value]))
        .order_by(Request.replied_at.desc(), Request.id.desc()).limit(limit)))


def handling_due_in(session: Session, year: int) -> int:
    """How many requests being handled have a deadline already set in the year (Beijing)."""
    start, end = (utc(datetime.combine(date(y, 1, 1), time.min, tzinfo=TZ))
                  for y in (year, year + 1))
    return session.scalar(select(func.count()).select_from(Request).where(
        Request.status.in_([s.value for s in HANDLING]),
        Request.resolve_due_at >= start, Request.resolve_due_at < end))


def history(session: Session, request: Request) -> list[RequestEvent]:
    return list(session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id)
                                .order_by(RequestEvent.at, RequestEvent.id)))


def pauses(session: Session, request: Request) -> list[Pause]:
    return list(session.scalars(select(Pause).where(Pause.request_id == request.id)
                                .order_by(Pause.started_at)))


def ratings(session: Session, request: Request) -> list[RequestRating]:
    return list(session.scalars(select(RequestRating).where(
        RequestRating.request_id == request.id).order_by(RequestRating.round)))


def supervision_list() -> Select:
    """Open escalations (督办), the oldest first."""
    return select(Escalation).where(Escalation.resolved_at.is_(None)).options(
        selectinload(Escalation.request), selectinload(Escalation.unit)).order_by(
        Escalation.raised_at, Escalation.id)


# --- the facts the three rates are counted from ---------------------------------------------


def _bounds(month: tuple[int, int]) -> tuple[datetime, datetime]:
    first, after = rates.month_bounds(month)
    return (utc(datetime.combine(first, time.min, tzinfo=TZ)),
            utc(datetime.combine(after, time.min, tzinfo=TZ)))


def month_facts(session: Session, month: tuple[int, int]):
    """(dispatches, handlings, first ratings) of every unit that touch the month. A merged
    duplicate gives none (the main request counts once); each co-requester's one rating is
    a first rating of its own (rates.py)."""
    start, end = _bounds(month)
    counted = Request.merged_into_id.is_(None)
    dispatches = [rates.Dispatch(unit_id=r.unit_id, dispatched_at=r.dispatched_at,
                                 sign_due=r.sign_due_at, signed_at=r.signed_at)
                  for r in session.execute(select(
                      Request.unit_id, Request.dispatched_at, Request.sign_due_at,
                      Request.signed_at).where(Request.dispatched_at >= start,
                                               Request.dispatched_at < end, counted))]
    handlings = [rates.Handling(unit_id=r.unit_id, resolve_due=r.resolve_due_at,
                                replied_at=r.replied_at)
                 for r in session.execute(select(
                     Round.unit_id, Round.resolve_due_at, Round.replied_at).join(
                     Request, Request.id == Round.request_id).where(
                     Round.resolve_due_at >= start, Round.resolve_due_at < end, counted))]
    first = [rates.FirstRating(unit_id=r.unit_id, rated_at=r.rated_at, rating=r.rating)
             for r in session.execute(select(
                 RequestRating.unit_id, RequestRating.rated_at, RequestRating.rating).join(
                 Request, Request.id == RequestRating.request_id).where(
                 RequestRating.round == 0, RequestRating.rated_at >= start,
                 RequestRating.rated_at < end, counted))]
    first += [rates.FirstRating(unit_id=r.rated_unit_id, rated_at=r.rated_at, rating=r.rating)
              for r in session.execute(select(
                  CoRequester.rated_unit_id, CoRequester.rated_at, CoRequester.rating).where(
                  CoRequester.rated_at >= start, CoRequester.rated_at < end))]
    return dispatches, handlings, first


def unit_rates(session: Session, month: tuple[int, int], as_of: datetime
               ) -> list[tuple[Unit, rates.ThreeRates]]:
    """Every unit's three rates for the month, by the unit's name."""
    dispatches, handlings, first = month_facts(session, month)
    return [(unit, rates.three_rates(unit.id, month, as_of, dispatches=dispatches,
                                     handlings=handlings, ratings=first))
            for unit in session.scalars(select(Unit).order_by(Unit.name))]


def months_before(month: tuple[int, int], count: int) -> list[tuple[int, int]]:
    """`count` months ending with `month`, the earliest first."""
    year, number = month
    found = []
    for _ in range(count):
        found.append((year, number))
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return found[::-1]


def unit_trend(session: Session, unit: Unit, month: tuple[int, int], as_of: datetime,
               count: int = 6) -> list[rates.ThreeRates]:
    """The unit's three rates for each of the `count` months ending with `month`."""
    found = []
    for each in months_before(month, count):
        dispatches, handlings, first = month_facts(session, each)
        found.append(rates.three_rates(unit.id, each, as_of, dispatches=dispatches,
                                       handlings=handlings, ratings=first))
    return found
