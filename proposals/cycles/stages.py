"""The cycle's stage machine: which move is lawful, as a pure function over plain values."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Stage(enum.StrEnum):
    COLLECTION = "collection"
    SHORTLIST = "shortlist"
    BALLOT = "ballot"
    IMPLEMENTATION = "implementation"
    EVALUATION = "evaluation"
    CLOSED = "closed"


ORDER: tuple[Stage, ...] = tuple(Stage)


class StageRefused(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Move:
    source: Stage
    target: Stage


def next_stage(current: Stage) -> Stage | None:
    i = ORDER.index(current)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def plan_move(current: str, target: str, *, actor_is_admin: bool) -> Move:
    """Check one move: only an admin, only forward, and one stage at a time.

    Skipping is refused because every stage leaves a public record (the shortlist's
    reasons, the ballot's bulletin) that later stages and the public rely on.
    """
    if not actor_is_admin:
        raise StageRefused("not_admin")
    try:
        source, dest = Stage(current), Stage(target)
    except ValueError:
        raise StageRefused("unknown_stage") from None
    if source is Stage.CLOSED:
        raise StageRefused("already_closed")
    if ORDER.index(dest) <= ORDER.index(source):
        raise StageRefused("not_forward")
    if dest is not next_stage(source):
        raise StageRefused("skips_a_stage")
    return Move(source, dest)
