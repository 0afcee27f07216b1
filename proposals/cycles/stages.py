"""The cycle's stage machine: which move is lawful, as pure functions over plain values.

A cycle moves forward one stage at a time once the stage's work is done (work_left), and
back one stage, with a reason, only while nothing made in the later stage would be broken
by it (back_refusals).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

REASON_MAX = 500


class Stage(enum.StrEnum):
    COLLECTION = "collection"
    SHORTLIST = "shortlist"
    BALLOT = "ballot"
    IMPLEMENTATION = "implementation"
    EVALUATION = "evaluation"
    CLOSED = "closed"


ORDER: tuple[Stage, ...] = tuple(Stage)


class StageRefused(Exception):
    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Move:
    source: Stage
    target: Stage


@dataclass(frozen=True)
class StageWork:
    """How far a cycle's work has got, in counts: all the guards below read.

    The cycle and its ballots are always counted. The other contexts' counts come from
    their answers to events.cycle_work_asked; None is a count nobody answered for (a program
    that never connected the contexts), and holds nothing back.
    """

    shortlist_submitted: bool = False
    ballots_opened: int = 0  # the cycle's ballots and their run-offs, past their draft
    ballots_published: int = 0  # the cycle's own ballots with a published result
    ballots_unfinished: int = 0  # opened, not yet published (run-offs too)
    ties_unsettled: int = 0  # published ballots whose result waits on a tie's settlement
    proposals: int | None = None  # proposals of the cycle, hidden ones left out
    projects: int | None = None  # projects started from the adopted candidates
    projects_awaiting: int | None = None  # adopted candidates still without their project
    rounds: int | None = None  # evaluation rounds ever opened for the cycle's projects
    rounds_open: int | None = None


@dataclass(frozen=True)
class Missing:
    """One thing that stops a move: a stable code and the numbers its message needs."""

    code: str
    params: Mapping[str, int] = field(default_factory=dict)


def next_stage(current: Stage) -> Stage | None:
    i = ORDER.index(current)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def previous_stage(current: Stage) -> Stage | None:
    i = ORDER.index(current)
    return ORDER[i - 1] if i > 0 else None


def _stage(code: str) -> Stage:
    try:
        return Stage(code)
    except ValueError:
        raise StageRefused("unknown_stage") from None


def plan_move(current: str, target: str, *, actor_is_admin: bool) -> Move:
    """Check one move forward: only an admin, only forward, and one stage at a time.

    Skipping is refused because every stage leaves a public record (the shortlist's
    reasons, the ballot's bulletin) that later stages and the public rely on.
    """
    if not actor_is_admin:
        raise StageRefused("not_admin")
    source, dest = _stage(current), _stage(target)
    if source is Stage.CLOSED:
        raise StageRefused("already_closed")
    if ORDER.index(dest) <= ORDER.index(source):
        raise StageRefused("not_forward")
    if dest is not next_stage(source):
        raise StageRefused("skips_a_stage")
    return Move(source, dest)


def work_left(stage: Stage, work: StageWork) -> tuple[Missing, ...]:
    """What must still be done before a cycle may leave `stage` for the next one.

    Each stage hands the next what it needs: proposals to screen; a submitted shortlist,
    the only thing a ballot may put to the vote; a published, settled result, which says
    what is adopted; a project for every adopted candidate, each of which is rated once
    completed; and no rating round left open when the cycle closes.
    """
    missing: list[Missing] = []
    if stage is Stage.COLLECTION and work.proposals == 0:
        missing.append(Missing("no_proposals_yet"))
    elif stage is Stage.SHORTLIST and not work.shortlist_submitted:
        missing.append(Missing("shortlist_not_submitted"))
    elif stage is Stage.BALLOT:
        if work.ballots_published == 0 and not work.ballots_unfinished:
            missing.append(Missing("no_published_ballot"))
        if work.ballots_unfinished:
            missing.append(Missing("ballots_unfinished", {"n": work.ballots_unfinished}))
        if work.ties_unsettled:
            missing.append(Missing("tie_unsettled", {"n": work.ties_unsettled}))
    elif stage is Stage.IMPLEMENTATION and work.projects_awaiting:
        missing.append(Missing("projects_not_started", {"n": work.projects_awaiting}))
    elif stage is Stage.EVALUATION and work.rounds_open:
        missing.append(Missing("rounds_still_open", {"n": work.rounds_open}))
    return tuple(missing)


def check_work(stage: Stage, work: StageWork) -> None:
    """Refuse with the first thing left to do, if any."""
    missing = work_left(stage, work)
    if missing:
        raise StageRefused(missing[0].code, **missing[0].params)


def clean_reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise StageRefused("reason_required", field="reason")
    if len(text) > REASON_MAX:
        raise StageRefused("too_long", field="reason", max=REASON_MAX)
    return text


def plan_move_back(current: str, target: str, *, actor_is_admin: bool) -> Move:
    """Check one move back: only an admin, to the stage just before (collection has none)."""
    if not actor_is_admin:
        raise StageRefused("not_admin")
    source, dest = _stage(current), _stage(target)
    before = previous_stage(source)
    if before is None:
        raise StageRefused("nothing_before")
    if dest is not before:
        raise StageRefused("back_one_stage")
    return Move(source, dest)


def back_refusals(stage: Stage, work: StageWork) -> tuple[Missing, ...]:
    """What a move back from `stage` would break, if anything.

    A stage may be undone while its own record is still to be made: once the shortlist is
    submitted to the assembly, a ballot has opened, a project has started or a rating
    round has opened, people have acted on it, and going back would leave their record
    hanging off a stage the cycle no longer is in.
    """
    if stage is Stage.SHORTLIST and work.shortlist_submitted:
        return (Missing("shortlist_already_submitted"),)
    if stage is Stage.BALLOT and work.ballots_opened:
        return (Missing("ballot_already_opened", {"n": work.ballots_opened}),)
    if stage is Stage.IMPLEMENTATION and work.projects:
        return (Missing("projects_already_started", {"n": work.projects}),)
    if stage is Stage.EVALUATION and work.rounds:
        return (Missing("rounds_already_opened", {"n": work.rounds}),)
    return ()


def check_back(stage: Stage, work: StageWork) -> None:
    refused = back_refusals(stage, work)
    if refused:
        raise StageRefused(refused[0].code, **refused[0].params)
