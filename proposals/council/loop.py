"""The loop after a decision: action items (办理), report back (反馈), rating (评价), reopening."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.council.meetings import next_meeting, schedule
from proposals.council.models import ActionItem, Topic, TopicRating
from proposals.council.rules import (
    ActionLight,
    ActionStatus,
    Rating,
    TopicEvent,
    TopicState,
    action_light,
    after_rating,
)
from proposals.council.services import clean_text, current_term, is_member, require_convenor
from proposals.council.topics import last_decision, step
from votes.base import DomainError
from votes.people import User

ACTION_MAX = 200
PARTY_MAX = 80
RESULT_MAX = 2000


def _require_topic_convenor(session: Session, actor: User, topic: Topic, today: date) -> int:
    term = current_term(session, topic.council, today)
    if term is None:
        raise DomainError("no_term")
    require_convenor(session, actor, term.assembly_id, today)
    return term.assembly_id


def add_action_item(
    session: Session, actor: User, topic: Topic, *, title: str, due_on: date, today: date,
    assignee: User | None = None, outside_party: str | None = None,
) -> ActionItem:
    """Split up the work of a carried motion: a member's task or an outside party's."""
    assembly_id = _require_topic_convenor(session, actor, topic, today)
    if topic.state not in (TopicState.DECIDED, TopicState.IN_PROGRESS):
        raise DomainError("not_decided")
    decision = last_decision(session, topic)
    if decision is None or decision.outcome != "carried":
        raise DomainError("motion_not_carried")
    party = (outside_party or "").strip() or None
    if party is not None and len(party) > PARTY_MAX:
        raise DomainError("too_long", field="outside_party", max=PARTY_MAX)
    if assignee is None and party is None:
        raise DomainError("no_assignee", field="assignee_id")
    if assignee is not None and not is_member(session, assignee, assembly_id, today):
        raise DomainError("assignee_not_member", field="assignee_id")
    if due_on < today:
        raise DomainError("due_in_past", field="due_on")
    action = ActionItem(topic_id=topic.id, agenda_item_id=decision.id,
                        title=clean_text(title, "title", ACTION_MAX),
                        assignee_id=assignee.id if assignee else None, outside_party=party,
                        due_on=due_on, created_by_id=actor.id)
    session.add(action)
    session.flush()
    if topic.state == TopicState.DECIDED:
        step(session, topic, TopicEvent.START, actor=actor, today=today, note=action.title)
    return action


def complete_action_item(session: Session, actor: User, action: ActionItem, outcome: str,
                         today: date) -> None:
    """The member it was given to, or the convenor (for an outside party), marks it done."""
    if action.assignee_id != actor.id:
        _require_topic_convenor(session, actor, action.topic, today)
    if action.status == ActionStatus.DONE:
        raise DomainError("already_done")
    action.outcome = clean_text(outcome, "outcome", RESULT_MAX)
    action.status = ActionStatus.DONE.value
    action.done_on = today
    session.flush()


def open_actions(topic: Topic) -> list[ActionItem]:
    return [a for a in topic.actions if a.status == ActionStatus.OPEN]


def report_back(session: Session, actor: User, topic: Topic, result: str, today: date) -> None:
    """Tell the resident what was done (or why not); every action item must be done first."""
    _require_topic_convenor(session, actor, topic, today)
    if open_actions(topic):
        raise DomainError("actions_open", n=len(open_actions(topic)))
    topic.result = clean_text(result, "result", RESULT_MAX)
    topic.reported_on = today
    step(session, topic, TopicEvent.REPORT, actor=actor, today=today, note=topic.result)


def rate_topic(session: Session, actor: User, topic: Topic, rating: str, comment: str,
               today: date) -> TopicState:
    """The raiser rates the handling; dissatisfied reopens it onto the next meeting's agenda."""
    if actor.id != topic.raised_by_id:
        raise DomainError("not_your_topic")
    try:
        chosen = Rating(rating)
    except ValueError:
        raise DomainError("invalid_choice", field="rating") from None
    comment = (comment or "").strip()
    if len(comment) > RESULT_MAX:
        raise DomainError("too_long", field="comment", max=RESULT_MAX)
    step(session, topic, TopicEvent.RATE, actor=actor, today=today, note=comment)
    session.add(TopicRating(topic_id=topic.id, round=topic.reopen_count, rating=chosen.value,
                            comment=comment, rated_by_id=actor.id, rated_on=today))
    topic.rating = chosen.value
    follow = after_rating(chosen)
    if follow is TopicEvent.CLOSE:
        topic.resolved_on = today
        return step(session, topic, follow, actor=actor, today=today)
    topic.reopen_count += 1
    step(session, topic, follow, actor=actor, today=today, note=comment)
    meeting = next_meeting(session, topic.council, today)
    if meeting is not None:
        schedule(session, meeting, topic, actor=actor, today=today)
    return TopicState(topic.state)


def ratings_of(session: Session, topic: Topic) -> list[TopicRating]:
    return list(session.scalars(select(TopicRating).where(TopicRating.topic_id == topic.id)
                                .order_by(TopicRating.round)))


def actions_for(session: Session, user: User) -> list[ActionItem]:
    """A member's own open tasks, the earliest due first."""
    return list(session.scalars(
        select(ActionItem).where(ActionItem.assignee_id == user.id,
                                 ActionItem.status == ActionStatus.OPEN.value)
        .order_by(ActionItem.due_on, ActionItem.id)))


def light(action: ActionItem, today: date) -> ActionLight:
    return action_light(action.due_on, action.done_on, today)
