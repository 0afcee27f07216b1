"""Pure rules of satisfaction evaluation (满意度测评): the rate, the bar, the verdict, rounds."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

# The share of satisfied and basically satisfied ratings a project must reach (percent);
# a cycle may set its own (Cycle.satisfaction_bar).
DEFAULT_BAR = 80


class Level(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class RaterKind(enum.StrEnum):
    DELEGATE = "delegate"  # 代表: seated in the assembly that adopted the project
    RESIDENT = "resident"  # 居民: any registered resident


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")
    return value


@dataclass(frozen=True)
class Counts:
    """How many ratings of each level one group gave."""

    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0

    def __post_init__(self) -> None:
        for level in Level:
            _count(getattr(self, level.value), level.value)

    @classmethod
    def of(cls, by_level: Mapping[str, int]) -> Counts:
        return cls(**{level.value: by_level.get(level.value, 0) for level in Level})

    @property
    def total(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def rate(self) -> tuple[int, int]:
        return satisfaction_rate(self.satisfied, self.basically_satisfied, self.dissatisfied)

    @property
    def tenths(self) -> int | None:
        return rate_tenths(*self.rate)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.satisfied + other.satisfied,
                      self.basically_satisfied + other.basically_satisfied,
                      self.dissatisfied + other.dissatisfied)


def satisfaction_rate(satisfied: int, basic: int, dissatisfied: int) -> tuple[int, int]:
    """满意率 as the exact fraction (satisfied + basically satisfied, all ratings).

    Kept as two integers so that comparing with the bar never rounds; (0, 0) means nobody
    rated, which is no rate at all rather than 0%.
    """
    good = _count(satisfied, "satisfied") + _count(basic, "basically_satisfied")
    return good, good + _count(dissatisfied, "dissatisfied")


def rate_tenths(numerator: int, denominator: int) -> int | None:
    """The rate in tenths of a percent, rounded half up (833 for 5/6); None without ratings."""
    if denominator == 0:
        return None
    if not 0 <= numerator <= denominator:
        raise ValueError("a rate's numerator lies between 0 and its denominator")
    return (1000 * numerator + denominator // 2) // denominator


def percent_text(numerator: int, denominator: int) -> str | None:
    """'83.3%' for 5/6, '100.0%' for 3/3; None when nobody rated. Display only."""
    tenths = rate_tenths(numerator, denominator)
    if tenths is None:
        return None
    return f"{tenths // 10}.{tenths % 10}%"


def check_bar(bar_percent: int) -> int:
    if isinstance(bar_percent, bool) or not isinstance(bar_percent, int):
        raise TypeError("the bar is a whole percentage")
    if not 1 <= bar_percent <= 100:
        raise ValueError("the bar lies between 1 and 100 percent")
    return bar_percent


def below_bar(counts: Counts, bar_percent: int) -> bool:
    """Below the bar when 100 * (satisfied + basic) < bar * all, so 80% of 5 is met by 4.

    A group that did not rate is not below the bar: there is nothing to judge.
    """
    good, total = counts.rate
    return 100 * good < check_bar(bar_percent) * total


@dataclass(frozen=True)
class Verdict:
    """A closed round's result: both groups' counts and which of them fell short."""

    bar: int
    delegate: Counts
    resident: Counts
    below: tuple[RaterKind, ...]

    @property
    def rectify(self) -> bool:
        return bool(self.below)

    @property
    def overall(self) -> Counts:
        return self.delegate + self.resident


def verdict(delegate: Counts, resident: Counts, bar_percent: int) -> Verdict:
    """Rectification (整改) when either group's rate is below the bar.

    The two rates are published separately, and each must be met: thousands of residents'
    ratings cannot outweigh the delegates' judgement, nor the other way round.
    """
    below = tuple(kind for kind, counts in ((RaterKind.DELEGATE, delegate),
                                            (RaterKind.RESIDENT, resident))
                  if below_bar(counts, bar_percent))
    return Verdict(bar=check_bar(bar_percent), delegate=delegate, resident=resident,
                   below=below)


def rater_kind(*, seated_delegate: bool, resident: bool) -> RaterKind | None:
    """Who rates in which capacity: a delegate of the project's assembly always as a
    delegate, even when also a resident; otherwise residents as residents; nobody else."""
    if seated_delegate:
        return RaterKind.DELEGATE
    if resident:
        return RaterKind.RESIDENT
    return None


@dataclass(frozen=True)
class RoundState:
    """The latest evaluation round of a project, as the next step needs it."""

    round_no: int
    closed: bool
    below_bar: bool
    reports: int  # rectification reports filed after this round


def next_round_refusal(completed: bool, latest: RoundState | None) -> str | None:
    """Why no new round may open now, or None when one may.

    The first round needs a completed project; a later one only follows a closed round that
    fell below the bar and a rectification report on it, so that residents are asked again
    about something that has changed.
    """
    if latest is None:
        return None if completed else "project_not_completed"
    if not latest.closed:
        return "round_open"
    if not latest.below_bar:
        return "evaluation_passed"
    if latest.reports == 0:
        return "rectification_report_missing"
    return None
