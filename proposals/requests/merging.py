"""Duplicates (重复诉求): a request about the same thing as another open one is merged into it.

The duplicate closes as merged (its clock stops, its open 督办 ends, its history says into
which request); its requester becomes a co-requester of the main request: told now, and of
its reply and closing (services.py), and free to rate its reply once. Only one level: a
request merged into another never takes duplicates, and one that took them is not merged.

How the three rates count a merge (rates.py): the merged duplicate is left out of all three,
so the thing asked is counted once, as the main request; each co-requester's one rating of
the main request counts in the satisfaction rate beside the requester's first rating.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from proposals.requests.models import (
    CoRequester,
    Ground,
    Pause,
    Rating,
    Request,
    Status,
)
from proposals.requests.services import (
    TEXT_MAX,
    _choice,
    _log,
    _resolve,
    _tell,
    clean_text,
    utc,
)
from votes.base import DomainError
from votes.people import Role, User

# The short list of likely duplicates: open, same community and category, raised within
# this many days of the request, at most this many.
LIKELY_DAYS = 30
LIKELY_MAX = 10
CLOSED = (Status.CLOSED.value, Status.MERGED.value)
# A co-requester rates the reply the request has now.
RATEABLE = (Status.REPLIED.value, Status.CLOSED.value)


_NUMBER = re.compile(r"(\d{4})\s*-\s*(\d{1,6})")


def find_by_number(session: Session, typed: str | None) -> Request | None:
    """The request of a number as an official types it: 2026-000123, 2026-123, or in
    full-width digits (２０２６－０００１２３)."""
    text = unicodedata.normalize("NFKC", typed or "").strip().replace("—", "-")
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    number = f"{match.group(1)}-{int(match.group(2)):06d}"
    return session.scalar(select(Request).where(Request.number == number))


def is_open(request: Request) -> bool:
    return request.status not in CLOSED


def likely_duplicates(session: Session, request: Request) -> list[Request]:
    """The open requests of the same community and category raised within LIKELY_DAYS of
    it, the earliest first: what the desk offers to merge it into."""
    if not is_open(request):
        return []
    around = timedelta(days=LIKELY_DAYS)
    return list(session.scalars(select(Request).where(
        Request.id != request.id, Request.place_id == request.place_id,
        Request.category == request.category, Request.status.not_in(CLOSED),
        Request.raised_at >= utc(request.raised_at) - around,
        Request.raised_at <= utc(request.raised_at) + around,
    ).order_by(Request.raised_at, Request.id).limit(LIKELY_MAX)))


def _locked(session: Session, ids: list[int]) -> dict[int, Request]:
    """The rows, locked in id order (PostgreSQL; SQLite's writer lock does it), read afresh:
    two merges at once (A into B and B into A) are taken one after the other."""
    rows = session.scalars(select(Request).where(Request.id.in_(sorted(ids)))
                           .order_by(Request.id).with_for_update()
                           .execution_options(populate_existing=True))
    return {r.id: r for r in rows}


def merge(session: Session, actor: User, duplicate: Request, main: Request | None, *,
          now: datetime) -> Request:
    """An official marks `duplicate` as being about the same thing as `main`, an open request
    of the same community; returns the main request. Every refusal is raised before anything
    is written."""
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")
    if main is None:
        raise DomainError("request_merge_unknown", field="number")
    if main.id == duplicate.id:
        raise DomainError("request_merge_itself", field="number")
    rows = _locked(session, [duplicate.id, main.id])
    duplicate, main = rows[duplicate.id], rows[main.id]
    _check(session, duplicate, main)
    moment = utc(now)
    found = session.scalar(select(Pause).where(Pause.request_id == duplicate.id,
                                               Pause.ended_at.is_(None)))
    if found is not None:  # its clock stops for good: the wait ends with the merge
        found.ended_at, found.ended_by_id = moment, actor.id
    duplicate.status = Status.MERGED.value
    duplicate.merged_into_id = main.id
    duplicate.closed_at = moment
    session.flush()
    for ground in Ground:  # no unit answers a merged request: its 督办 ends
        _resolve(session, duplicate, ground, now)
    _log(session, duplicate, "merged", role="dispatcher", actor=actor, now=now,
         note=main.number)
    _log(session, main, "merged_in", role="dispatcher", actor=actor, now=now,
         note=duplicate.number)
    _add_co_requester(session, main, duplicate, moment)
    _tell(session, duplicate.requester_id, "request_merged", main, duplicate=duplicate.number)
    if duplicate.unit is not None:
        _tell(session, duplicate.unit.official_id, "request_merged_unit", duplicate,
              main=main.number)
    session.flush()
    return main


def _check(session: Session, duplicate: Request, main: Request) -> None:
    if duplicate.status == Status.MERGED:
        raise DomainError("request_already_merged", number=duplicate.merged_into.number)
    if duplicate.status == Status.CLOSED:
        raise DomainError("request_merge_duplicate_closed")
    if main.status == Status.MERGED:
        raise DomainError("request_merge_chain", field="number", number=main.number,
                          into=main.merged_into.number)
    if main.status == Status.CLOSED:
        raise DomainError("request_merge_target_closed", field="number", number=main.number)
    if main.place_id != duplicate.place_id:  # the same community, by key
        raise DomainError("request_merge_other_community", field="number",
                          number=main.number, community=main.community)
    taken = session.scalar(select(func.count()).select_from(Request).where(
        Request.merged_into_id == duplicate.id))
    if taken:
        raise DomainError("request_merge_has_duplicates", count=taken)


def _add_co_requester(session: Session, main: Request, duplicate: Request,
                      moment: datetime) -> None:
    """The duplicate's requester follows the main request, unless it is theirs already (a
    hotline caller without an account has none to add)."""
    user_id = duplicate.requester_id
    if user_id is None or user_id == main.requester_id:
        return
    if session.get(CoRequester, (main.id, user_id)) is not None:
        return  # two of their requests merged into it: one voice
    session.add(CoRequester(request_id=main.id, user_id=user_id,
                            merged_from_id=duplicate.id, added_at=moment))


def co_requester(session: Session, request: Request, user: User) -> CoRequester | None:
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return session.get(CoRequester, (request.id, user.id))


def may_rate(row: CoRequester | None, request: Request) -> bool:
    return row is not None and row.rating is None and request.status in RATEABLE


def rate(session: Session, actor: User, request: Request, *, rating: str, comment: str,
         now: datetime) -> CoRequester:
    """A co-requester rates the reply, once. It neither closes nor reopens the request (its
    requester's rating does); it counts in the unit's satisfaction rate."""
    row = session.get(CoRequester, (request.id, actor.id))
    if row is None:
        raise DomainError("request_not_co_requester")
    chosen = _choice(Rating, rating, "rating")
    comment = clean_text(comment, "comment", TEXT_MAX, required=False)
    if row.rating is not None:
        raise DomainError("already_rated")
    if request.status not in RATEABLE or request.unit_id is None:
        raise DomainError("not_rateable")
    moment = utc(now)
    # Only a row not rated yet is changed: a second rating, even a racing one, changes none.
    done = session.execute(update(CoRequester).where(
        CoRequester.request_id == request.id, CoRequester.user_id == actor.id,
        CoRequester.rating.is_(None)).values(
        rating=chosen.value, comment=comment, rated_round=request.round,
        rated_unit_id=request.unit_id, rated_at=moment).execution_options(
        synchronize_session=False))
    if done.rowcount != 1:
        raise DomainError("already_rated")
    session.refresh(row)
    _log(session, request, "rated", role="co_requester", actor=actor, now=now,
         note=chosen.value)
    session.flush()
    return row
