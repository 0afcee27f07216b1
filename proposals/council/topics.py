"""Council topics (议题): raising one, and each logged, notified step of its loop."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.collection.models import Category
from proposals.collection.services import notify
from proposals.council.models import AgendaItem, Council, CouncilTerm, Topic, TopicLog
from proposals.council.rules import IllegalTransition, TopicEvent, TopicState, advance
from proposals.council.services import clean_text, current_term, is_member
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from votes.base import DomainError
from votes.people import User
from votes.residence import is_verified_in

TITLE_MAX = 80
TEXT_MAX = 2000

# The raiser rated it themselves: telling them of the rating's own effect is noise.
_SILENT_FOR_RAISER = frozenset({TopicEvent.RATE, TopicEvent.CLOSE, TopicEvent.REOPEN})


def raise_topic(
    session: Session, actor: User, council: Council, *, title: str, description: str,
    category: str, today: date, cycle_id: int | None = None,
) -> Topic:
    """A resident's community matter, received (受理) at once for the council to pick up."""
    if not may_raise(session, actor, council, today):
        raise DomainError("not_verified_here", community=council.community)
    try:
        category = Category(category).value
    except ValueError:
        raise DomainError("invalid_choice", field="category") from None
    if cycle_id is not None and cycle_id not in council_cycle_ids(session, council):
        raise DomainError("invalid_choice", field="cycle_id")
    topic = Topic(council_id=council.id, cycle_id=cycle_id, raised_by_id=actor.id,
                  title=clean_text(title, "title", TITLE_MAX),
                  description=clean_text(description, "description", TEXT_MAX),
                  category=category, raised_on=today, state=TopicState.RECEIVED.value)
    session.add(topic)
    session.flush()
    session.add(TopicLog(topic_id=topic.id, event="raise", state=topic.state, actor_id=actor.id,
                         happened_on=today))
    session.flush()
    return topic


def may_raise(session: Session, actor: User, council: Council, today: date) -> bool:
    """Verified residents of the council's community raise its topics, and so do the
    members of its current term, whom those residents elected."""
    if is_verified_in(session, actor, council.place):
        return True
    term = current_term(session, council, today)
    return term is not None and is_member(session, actor, term.assembly_id, today)


def council_cycle_ids(session: Session, council: Council) -> list[int]:
    """Cycles run by any term of the council, which a topic may be raised for."""
    return list(session.scalars(
        select(Cycle.id).join(CouncilTerm, CouncilTerm.assembly_id == Cycle.assembly_id)
        .where(CouncilTerm.council_id == council.id, Cycle.stage != Stage.CLOSED)
        .order_by(Cycle.year.desc(), Cycle.id.desc())))


def step(
    session: Session, topic: Topic, event: TopicEvent, *, actor: User | None, today: date,
    note: str = "", kind: str | None = None, **params: object,
) -> TopicState:
    """Move the topic by the state machine, log the step, and tell the resident who raised it."""
    try:
        new = advance(topic.state, event)
    except IllegalTransition as exc:
        raise DomainError("illegal_step", state=exc.state, event=exc.event) from None
    topic.state = new.value
    session.add(TopicLog(topic_id=topic.id, event=event.value, state=new.value, note=note,
                         actor_id=actor.id if actor else None, happened_on=today))
    raiser_acted = actor is not None and actor.id == topic.raised_by_id
    if not (raiser_acted and event in _SILENT_FOR_RAISER):
        notify(session, [topic.raised_by_id], kind or f"council_{new.value}", None,
               topic=topic.id, title=topic.title, note=note, **params)
    session.flush()
    return new


def topics_of(session: Session, council: Council, *, states=None) -> list[Topic]:
    stmt = select(Topic).where(Topic.council_id == council.id)
    if states is not None:
        stmt = stmt.where(Topic.state.in_([str(s) for s in states]))
    return list(session.scalars(stmt.order_by(Topic.raised_on.desc(), Topic.id.desc())))


def topics_raised_by(session: Session, user: User) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.raised_by_id == user.id)
                                .order_by(Topic.id.desc())))


def agenda_history(session: Session, topic: Topic) -> list[AgendaItem]:
    """Every meeting the topic was on, in order: its motions, votes and deferrals."""
    return list(session.scalars(select(AgendaItem).where(AgendaItem.topic_id == topic.id)
                                .order_by(AgendaItem.id)))


def last_decision(session: Session, topic: Topic) -> AgendaItem | None:
    return session.scalar(
        select(AgendaItem).where(AgendaItem.topic_id == topic.id,
                                 AgendaItem.outcome.in_(("carried", "rejected")))
        .order_by(AgendaItem.id.desc()).limit(1))
