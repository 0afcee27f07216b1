"""接诉即办: raising a request, dispatch, signing for it, pauses, the reply, rating and 督办.

Every function takes the Session, the actor and the moment (`now`), flushes and never commits;
a refusal is a DomainError with a stable code (app/requests/messages.py words them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from proposals.collection.services import notify
from proposals.requests import clock
from proposals.requests.calendar import work_calendar
from proposals.requests.models import (
    Category,
    Channel,
    CoRequester,
    Escalation,
    Ground,
    Pause,
    Rating,
    Request,
    RequestCounter,
    RequestEvent,
    RequestRating,
    Round,
    Status,
    TimeLimit,
    Unit,
    Urgency,
)
from votes.base import DomainError
from votes.people import Role, User
from votes.places import Level, Place, communities_within, require_community

TITLE_MAX = 80
TEXT_MAX = 2000
COMMUNITY_MAX = 40
NOTE_MAX = 500
UNIT_NAME_MAX = 60
# Until the admin sets a limit for a category: sign within hours, resolve within working days.
DEFAULT_LIMITS = {Urgency.NORMAL: (24, 5), Urgency.URGENT: (2, 1)}
# Who may enter a request through each channel. The grid worker (网格员) is not a role yet.
CHANNEL_ROLES = {
    Channel.ONLINE: (Role.RESIDENT,),
    Channel.LIAISON_STATION: (Role.OFFICIAL,),
    Channel.HOTLINE: (Role.OFFICIAL,),
}
# The states in which the unit dispatched to is still working on the request.
HANDLING = (Status.DISPATCHED, Status.SIGNED, Status.WAITING, Status.REOPENED)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def clean_text(value: str | None, field: str, most: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError("required", field=field)
    if len(text) > most:
        raise DomainError("too_long", field=field, max=most)
    return text


def _choice(enum_type, value: str | None, field: str):
    try:
        return enum_type(value)
    except ValueError:
        raise DomainError("invalid_choice", field=field) from None


# --- the admin's settings ---------------------------------------------------------------------


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise DomainError("admins_only")


def limit_for(session: Session, category: str, urgency: str) -> tuple[int, int]:
    """(sign within hours, resolve within working days) for a category and urgency."""
    row = session.scalar(select(TimeLimit).filter_by(category=category, urgency=urgency))
    if row is not None:
        return row.sign_hours, row.resolve_days
    return DEFAULT_LIMITS[Urgency(urgency)]


def set_limit(session: Session, actor: User, *, category: str, urgency: str, sign_hours: int,
              resolve_days: int, now: datetime) -> TimeLimit:
    """The admin sets a limit; requests already dispatched keep the limits they were given."""
    _require_admin(actor)
    category = _choice(Category, category, "category").value
    urgency = _choice(Urgency, urgency, "urgency").value
    if not 1 <= sign_hours <= 720:
        raise DomainError("bad_limit", field="sign_hours")
    if not 1 <= resolve_days <= 60:
        raise DomainError("bad_limit", field="resolve_days")
    row = session.scalar(select(TimeLimit).filter_by(category=category, urgency=urgency))
    if row is None:
        row = TimeLimit(category=category, urgency=urgency, sign_hours=sign_hours,
                        resolve_days=resolve_days)
        session.add(row)
    row.sign_hours, row.resolve_days = sign_hours, resolve_days
    row.updated_by_id, row.updated_at = actor.id, utc(now)
    session.flush()
    return row


def add_unit(session: Session, actor: User, *, name: str, official: User | None) -> Unit:
    """Register a responsible unit and the official account that signs for its requests."""
    _require_admin(actor)
    name = clean_text(name, "name", UNIT_NAME_MAX)
    if official is None or not official.has_role(Role.OFFICIAL):
        raise DomainError("unit_needs_official", field="official")
    if session.scalar(select(Unit.id).where(Unit.name == name)) is not None:
        raise DomainError("unit_exists", field="name")
    if session.scalar(select(Unit.id).where(Unit.official_id == official.id)) is not None:
        raise DomainError("official_has_unit", field="official")
    unit = Unit(name=name, official_id=official.id)
    session.add(unit)
    session.flush()
    return unit


def units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.name)))


def unit_of(session: Session, user: User) -> Unit | None:
    """The unit an official signs for, if any."""
    return session.scalar(select(Unit).where(Unit.official_id == user.id))


# --- the loop -----------------------------------------------------------------------------------


def _log(session: Session, request: Request, event: str, *, role: str, actor: User | None,
         now: datetime, note: str = "") -> RequestEvent:
    entry = RequestEvent(request_id=request.id, event=event, status=request.status,
                         actor_role=role, actor_id=actor.id if actor else None,
                         unit_id=request.unit_id, round=request.round, note=note, at=utc(now))
    session.add(entry)
    return entry


def _tell(session: Session, user_id: int | None, kind: str, request: Request, **params) -> None:
    """A notice (and its email/SMS, as the person chose) about a step of the request."""
    if user_id is not None:
        notify(session, [user_id], kind, None, number=request.number, title=request.title,
               **params)


def _tell_co_requesters(session: Session, request: Request, kind: str) -> None:
    """The same step told to the requesters of the duplicates merged into it (merging.py)."""
    for row in session.execute(select(CoRequester.user_id, Request.number).join(
            Request, Request.id == CoRequester.merged_from_id).where(
            CoRequester.request_id == request.id).order_by(CoRequester.user_id)):
        notify(session, [row.user_id], kind, None, number=request.number,
               title=request.title, duplicate=row.number)


def _day(moment: datetime) -> str:
    """A deadline's day in Beijing, as the notices keep days (shown in the reader's style)."""
    return clock.local(moment).date().isoformat()


def _next_number(session: Session, year: int) -> int:
    """The year's next number, drawn under a lock on its counter (PostgreSQL: the row, held
    to the end of the transaction; SQLite: the writer's lock)."""
    counter = select(RequestCounter).where(RequestCounter.year == year).with_for_update()
    row = session.scalar(counter)
    if row is None:
        try:  # the year's first request; another raised at once may create the row first
            with session.begin_nested():
                session.add(RequestCounter(year=year, last=0))
        except IntegrityError:
            pass
        row = session.scalar(counter.execution_options(populate_existing=True))
    row.last += 1
    session.flush()
    return row.last


@dataclass(frozen=True)
class Draft:
    title: str
    description: str
    category: str
    community: Place | str  # a community of the list of places, or its name
    urgency: str = Urgency.NORMAL.value


def raise_request(session: Session, actor: User, draft: Draft, *, channel: str, now: datetime,
                  requester: User | None = None) -> Request:
    """Receive (受理) a request: a resident online for themself, or an official entering one
    from the hotline or a liaison station, for a resident with an account or for a caller."""
    chosen = _choice(Channel, channel, "channel")
    if not actor.has_role(*CHANNEL_ROLES.get(chosen, ())):
        raise DomainError("channel_not_allowed", field="channel")
    if chosen is Channel.ONLINE:
        requester = actor
    elif requester is not None and not requester.has_role(Role.RESIDENT):
        raise DomainError("requester_not_resident", field="requester")
    title = clean_text(draft.title, "title", TITLE_MAX)
    description = clean_text(draft.description, "description", TEXT_MAX)
    category = _choice(Category, draft.category, "category").value
    place = require_community(session, draft.community)
    fields = dict(
        title=title, description=description, category=category,
        place=place, community=place.name,
        urgency=_choice(Urgency, draft.urgency, "urgency").value,
        channel=chosen.value, requester_id=requester.id if requester else None,
        entered_by_id=actor.id, status=Status.RAISED.value, raised_at=utc(now))
    year = clock.local(now).year
    seq = _next_number(session, year)
    request = Request(year=year, seq=seq, number=f"{year}-{seq:06d}", **fields)
    session.add(request)
    session.flush()
    role = "requester" if chosen is Channel.ONLINE else chosen.value
    _log(session, request, "raised", role=role, actor=actor, now=now)
    session.flush()
    return request


def dispatch(session: Session, actor: User, request: Request, unit: Unit | None, *, note: str,
             now: datetime) -> Request:
    """An official sends a received request to the unit responsible; its clocks start."""
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")
    if request.status != Status.RAISED:
        raise DomainError("already_dispatched")
    if unit is None:
        raise DomainError("required", field="unit_id")
    note = clean_text(note, "note", NOTE_MAX, required=False)
    sign_hours, resolve_days = limit_for(session, request.category, request.urgency)
    sign_due = clock.sign_deadline(now, sign_hours)
    # Before any change, as it may refuse (a year the calendar does not know).
    resolve_due = clock.working_deadline(now, resolve_days, calendar=work_calendar(session))
    request.unit_id, request.sign_hours, request.resolve_days = unit.id, sign_hours, resolve_days
    request.dispatched_at = request.handling_started_at = utc(now)
    request.sign_due_at, request.resolve_due_at = utc(sign_due), utc(resolve_due)
    request.status = Status.DISPATCHED.value
    session.add(Round(request_id=request.id, round=request.round, unit_id=unit.id,
                      started_at=utc(now), resolve_due_at=utc(resolve_due)))
    _log(session, request, "dispatched", role="dispatcher", actor=actor, now=now, note=note)
    _tell(session, unit.official_id, "request_dispatched", request, due=_day(resolve_due))
    session.flush()
    return request


def is_unit_of(session: Session, user: User, request: Request) -> bool:
    """Whether `user` signs for the unit the request is dispatched to (the object check)."""
    return request.unit_id is not None and session.scalar(
        select(Unit.official_id).where(Unit.id == request.unit_id)) == user.id


def _require_unit(session: Session, actor: User, request: Request) -> None:
    if not is_unit_of(session, actor, request):
        raise DomainError("not_your_unit")


def sign(session: Session, actor: User, request: Request, *, now: datetime) -> Request:
    """The unit signs for (签收) the request; a late signature is on the record as late."""
    _require_unit(session, actor, request)
    if request.status != Status.DISPATCHED:
        raise DomainError("not_awaiting_signature")
    check_limits(session, request, now)
    request.signed_at = utc(now)
    request.status = Status.SIGNED.value
    _resolve(session, request, Ground.SIGN_OVERDUE, now)
    _log(session, request, "signed", role="unit", actor=actor, now=now)
    _tell(session, request.requester_id, "request_signed", request,
          due=_day(request.resolve_due_at))
    session.flush()
    return request


def _open_pause(session: Session, request: Request) -> Pause | None:
    return session.scalar(select(Pause).where(Pause.request_id == request.id,
                                              Pause.ended_at.is_(None)))


def pause(session: Session, actor: User, request: Request, *, reason: str, now: datetime
          ) -> Pause:
    """Stop the clock while waiting for the requester (e.g. to be let in); the reason is
    published in the request's history."""
    _require_unit(session, actor, request)
    if request.status not in (Status.SIGNED, Status.REOPENED):
        raise DomainError("not_pausable")
    reason = clean_text(reason, "reason", NOTE_MAX)
    # A deadline already missed is not put off by a pause (the sweep records it as missed).
    if clock.local(now) > effective_resolve_due(session, request, now):
        raise DomainError("already_overdue")
    found = Pause(request_id=request.id, round=request.round, reason=reason,
                  started_at=utc(now), started_by_id=actor.id)
    session.add(found)
    request.status = Status.WAITING.value
    _log(session, request, "paused", role="unit", actor=actor, now=now, note=reason)
    session.flush()
    return found


def resume(session: Session, actor: User, request: Request, *, now: datetime) -> Request:
    """Start the clock again: the deadline moves on by the working time it was stopped."""
    _require_unit(session, actor, request)
    found = _open_pause(session, request)
    if request.status != Status.WAITING or found is None:
        raise DomainError("not_paused")
    found.ended_at, found.ended_by_id = utc(now), actor.id
    _set_resolve_due(session, request, _moved_on(session, request.resolve_due_at,
                                                 found.started_at, now))
    request.status = (Status.REOPENED if request.round else Status.SIGNED).value
    _log(session, request, "resumed", role="unit", actor=actor, now=now)
    session.flush()
    return request


def _set_resolve_due(session: Session, request: Request, due: datetime) -> None:
    request.resolve_due_at = utc(due)
    current = session.get(Round, (request.id, request.round))
    if current is not None:
        current.resolve_due_at = utc(due)


def effective_resolve_due(session: Session, request: Request, now: datetime,
                          calendar: clock.WorkCalendar | None = None) -> datetime | None:
    """The resolution deadline as of `now`: an open pause keeps moving it on."""
    if request.resolve_due_at is None:
        return None
    found = _open_pause(session, request) if request.status == Status.WAITING else None
    if found is None:
        return clock.local(request.resolve_due_at)
    return _moved_on(session, request.resolve_due_at, found.started_at, now, calendar)


def _moved_on(session: Session, due: datetime, since: datetime, now: datetime,
              calendar: clock.WorkCalendar | None = None) -> datetime:
    """`due` moved on by the working time from `since` to `now` (a pause)."""
    calendar = calendar if calendar is not None else work_calendar(session)
    waited = clock.working_time(since, now, calendar=calendar)
    return clock.advance(due, waited, calendar=calendar)


def reply(session: Session, actor: User, request: Request, *, text: str, now: datetime
          ) -> Request:
    """The unit's answer (办理答复) to the requester: what was done, or why not."""
    _require_unit(session, actor, request)
    if request.status == Status.WAITING:
        raise DomainError("still_paused")
    if request.status not in (Status.SIGNED, Status.REOPENED):
        raise DomainError("not_replyable")
    text = clean_text(text, "text", TEXT_MAX)
    check_limits(session, request, now)
    request.reply, request.replied_at = text, utc(now)
    request.status = Status.REPLIED.value
    current = session.get(Round, (request.id, request.round))
    if current is not None:
        current.replied_at = utc(now)
    _resolve(session, request, Ground.RESOLVE_OVERDUE, now)
    _log(session, request, "replied", role="unit", actor=actor, now=now, note=text)
    _tell(session, request.requester_id, "request_replied", request)
    _tell_co_requesters(session, request, "request_replied_co")
    session.flush()
    return request


def rate(session: Session, actor: User, request: Request, *, rating: str, comment: str,
         now: datetime) -> Request:
    """The requester rates the reply; 不满意 reopens the request and puts it under 督办."""
    if request.requester_id is None or actor.id != request.requester_id:
        raise DomainError("not_your_request")
    chosen = _choice(Rating, rating, "rating")
    comment = clean_text(comment, "comment", TEXT_MAX, required=False)
    if session.scalar(select(RequestRating.id).filter_by(request_id=request.id,
                                                         round=request.round)) is not None:
        raise DomainError("already_rated")
    if request.status != Status.REPLIED:
        raise DomainError("not_rateable")
    try:  # the key (request, round) refuses a second rating of the same reply, even a racing one
        with session.begin_nested():
            session.add(RequestRating(request_id=request.id, round=request.round,
                                      unit_id=request.unit_id, rating=chosen.value,
                                      comment=comment, rated_by_id=actor.id, rated_at=utc(now)))
    except IntegrityError:
        raise DomainError("already_rated") from None
    if chosen is Rating.UNSATISFIED:
        _log(session, request, "rated", role="requester", actor=actor, now=now,
             note=chosen.value)
        _escalate(session, request, Ground.UNSATISFIED, now, note=comment)
        request.round += 1
        request.status = Status.REOPENED.value
        request.replied_at = None
        request.handling_started_at = utc(now)
        due = clock.working_deadline(now, request.resolve_days,
                                     calendar=work_calendar(session))
        request.resolve_due_at = utc(due)
        session.add(Round(request_id=request.id, round=request.round, unit_id=request.unit_id,
                          started_at=utc(now), resolve_due_at=utc(due)))
        _log(session, request, "reopened", role="system", actor=None, now=now)
        _tell(session, request.unit.official_id if request.unit else None, "request_reopened",
              request, due=_day(due))
    else:
        request.status = Status.CLOSED.value
        request.closed_at = utc(now)
        _log(session, request, "rated", role="requester", actor=actor, now=now,
             note=chosen.value)
        for ground in Ground:
            _resolve(session, request, ground, now)
        _tell_co_requesters(session, request, "request_closed_co")
    session.flush()
    return request


# --- 督办: the supervision list -----------------------------------------------------------------


def _escalate(session: Session, request: Request, ground: Ground, now: datetime,
              note: str = "") -> Escalation | None:
    """Put the request on the supervision list on this ground, once per handling."""
    exists = session.scalar(select(Escalation).filter_by(
        request_id=request.id, round=request.round, ground=ground.value))
    if exists is not None:
        return None
    found = Escalation(request_id=request.id, round=request.round, ground=ground.value,
                       unit_id=request.unit_id, raised_at=utc(now), note=note)
    session.add(found)
    request.supervised = True
    _log(session, request, "supervised", role="system", actor=None, now=now, note=ground.value)
    session.flush()
    return found


def _resolve(session: Session, request: Request, ground: Ground, now: datetime) -> None:
    for found in session.scalars(select(Escalation).where(
            Escalation.request_id == request.id, Escalation.ground == ground.value,
            Escalation.resolved_at.is_(None))):
        found.resolved_at = utc(now)
    session.flush()
    request.supervised = session.scalar(select(Escalation.id).where(
        Escalation.request_id == request.id, Escalation.resolved_at.is_(None)).limit(1)
    ) is not None


def check_limits(session: Session, request: Request, now: datetime,
                 calendar: clock.WorkCalendar | None = None) -> list[Escalation]:
    """A limit that has run out puts the request on the supervision list (once per handling)."""
    made = []
    if request.status == Status.DISPATCHED and request.sign_due_at is not None \
            and clock.local(now) > clock.local(request.sign_due_at):
        made.append(_escalate(session, request, Ground.SIGN_OVERDUE, now))
    try:
        due = effective_resolve_due(session, request, now, calendar)
    except DomainError:  # a pause moved it into a year the calendar does not know yet
        due = None
    if request.status in HANDLING and due is not None and clock.local(now) > due:
        made.append(_escalate(session, request, Ground.RESOLVE_OVERDUE, now))
    return [m for m in made if m is not None]


def record_missed_limits(session: Session, now: datetime) -> int:
    """Check every request still being handled (run by an official, or on a schedule later)."""
    moment = utc(now)
    candidates = session.scalars(select(Request).where(
        Request.status.in_([s.value for s in HANDLING]),
        (Request.sign_due_at < moment) | (Request.resolve_due_at < moment)))
    calendar = work_calendar(session)
    return sum(len(check_limits(session, r, now, calendar)) for r in candidates)


def on_place_renamed(place: Place, *, session: Session, **_) -> None:
    """votes.places.place_renamed: the requests of a renamed community keep its new name."""
    if place.level == Level.COMMUNITY.value:
        session.execute(update(Request).where(Request.place_id.in_(communities_within(place)))
                        .values(community=place.name)
                        .execution_options(synchronize_session="fetch"))
