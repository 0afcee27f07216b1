"""Pure rules of a resident council: the topic's closed loop, quorum, overdue work, minutes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

CONVENOR_TITLE = "召集人"


class TopicState(StrEnum):
    RECEIVED = "received"  # 受理: a resident raised it
    SCHEDULED = "scheduled"  # on a meeting's agenda
    DECIDED = "decided"  # the motion was voted on (carried or not)
    DEFERRED = "deferred"  # put off by the meeting, with a reason
    IN_PROGRESS = "in_progress"  # 办理: action items under way
    REPORTED = "reported"  # 反馈: the council reported back to the resident
    RATED = "rated"  # 评价: the resident rated the handling
    CLOSED = "closed"
    REOPENED = "reopened"  # 改进: rated dissatisfied, back to the next meeting


class TopicEvent(StrEnum):
    SCHEDULE = "schedule"
    DECIDE = "decide"
    DEFER = "defer"
    START = "start"
    REPORT = "report"
    RATE = "rate"
    CLOSE = "close"
    REOPEN = "reopen"


S, E = TopicState, TopicEvent
TRANSITIONS: dict[tuple[TopicState, TopicEvent], TopicState] = {
    (S.RECEIVED, E.SCHEDULE): S.SCHEDULED,
    (S.DEFERRED, E.SCHEDULE): S.SCHEDULED,
    (S.REOPENED, E.SCHEDULE): S.SCHEDULED,
    (S.SCHEDULED, E.DECIDE): S.DECIDED,
    (S.SCHEDULED, E.DEFER): S.DEFERRED,
    (S.DECIDED, E.START): S.IN_PROGRESS,
    # A motion that failed, or a decision that needs no work, is reported back at once.
    (S.DECIDED, E.REPORT): S.REPORTED,
    (S.IN_PROGRESS, E.REPORT): S.REPORTED,
    (S.REPORTED, E.RATE): S.RATED,
    (S.RATED, E.CLOSE): S.CLOSED,
    (S.RATED, E.REOPEN): S.REOPENED,
}

# The five steps of 受理-办理-反馈-评价-改进 each state belongs to, for the loop display.
LOOP_STEPS = ("accept", "handle", "report", "rate", "improve")
STEP_OF = {
    S.RECEIVED: "accept", S.SCHEDULED: "accept", S.DEFERRED: "accept",
    S.DECIDED: "handle", S.IN_PROGRESS: "handle",
    S.REPORTED: "report",
    S.RATED: "rate", S.CLOSED: "rate",
    S.REOPENED: "improve",
}
OPEN_STATES = frozenset(S) - {S.CLOSED}
SCHEDULABLE = frozenset(state for (state, event) in TRANSITIONS if event is E.SCHEDULE)


class IllegalTransition(ValueError):
    """The event does not apply to the topic in its present state."""

    def __init__(self, state: str, event: str) -> None:
        super().__init__(f"{event} is not allowed when the topic is {state}")
        self.state = state
        self.event = event


def advance(state: TopicState | str, event: TopicEvent | str) -> TopicState:
    """The state after `event`, or IllegalTransition; unknown codes raise ValueError too."""
    key = (TopicState(state), TopicEvent(event))
    if key not in TRANSITIONS:
        raise IllegalTransition(key[0].value, key[1].value)
    return TRANSITIONS[key]


def allowed_events(state: TopicState | str) -> frozenset[TopicEvent]:
    current = TopicState(state)
    return frozenset(event for (s, event) in TRANSITIONS if s is current)


# --- ratings --------------------------------------------------------------------------------


class Rating(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


def after_rating(rating: Rating | str) -> TopicEvent:
    """What a rating does to a rated topic: dissatisfaction reopens it, anything else closes."""
    return E.REOPEN if Rating(rating) is Rating.DISSATISFIED else E.CLOSE


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    satisfied: int  # satisfied + basically satisfied

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down so a rate never looks better than it is."""
        return None if self.ratings == 0 else 100 * self.satisfied // self.ratings


def satisfaction(ratings: Iterable[Rating | str]) -> Satisfaction:
    counted = [Rating(r) for r in ratings]
    return Satisfaction(len(counted), sum(1 for r in counted if r is not Rating.DISSATISFIED))


# --- quorum ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quorum:
    present: int
    members: int
    num: int
    den: int

    @property
    def met(self) -> bool:
        # "More than half" (1/2) by default: strictly more than num/den of the members.
        return self.members > 0 and self.present * self.den > self.num * self.members

    @property
    def needed(self) -> int:
        """The fewest members present for the meeting to have its quorum."""
        return self.num * self.members // self.den + 1


def quorum(present: int, members: int, num: int = 1, den: int = 2) -> Quorum:
    for name, value in (("present", present), ("members", members), ("num", num), ("den", den)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if den < 1 or num >= den:
        raise ValueError("the quorum fraction must lie in [0, 1)")
    if present > members:
        raise ValueError("more members present than on the roster")
    return Quorum(present, members, num, den)


# --- action items ---------------------------------------------------------------------------


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


class ActionLight(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"


def action_light(due_on: date, done_on: date | None, today: date) -> ActionLight:
    """An action item's flag: overdue once its due date has passed with the work undone."""
    if done_on is not None:
        return ActionLight.DONE_LATE if done_on > due_on else ActionLight.DONE
    return ActionLight.OVERDUE if today > due_on else ActionLight.OPEN


def days_to_resolution(raised_on: date, resolved_on: date | None) -> int | None:
    return None if resolved_on is None else (resolved_on - raised_on).days


# Buckets of the "time to resolution" chart: (upper bound in days, inclusive; label key).
RESOLUTION_BUCKETS = ((7, "week"), (30, "month"), (90, "quarter"), (None, "longer"))


def resolution_bucket(days: int) -> str:
    for bound, key in RESOLUTION_BUCKETS:
        if bound is None or days <= bound:
            return key
    raise AssertionError("the last bucket has no bound")


# --- minutes --------------------------------------------------------------------------------


class MinutesStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


def minutes_edit(status: MinutesStatus | str, reason: str | None) -> str | None:
    """The reason to log for an edit: None for a draft; approved minutes need a reason."""
    if MinutesStatus(status) is MinutesStatus.DRAFT:
        return None
    cleaned = (reason or "").strip()
    if not cleaned:
        raise ValueError("approved minutes are changed only with a reason, which is logged")
    return cleaned
