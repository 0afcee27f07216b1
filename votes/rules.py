"""Pure ballot rules engine: apply quorum and majority, then select what is adopted."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from enum import Enum, StrEnum
from itertools import groupby

from votes.tally_methods import (
    ABSTAIN,
    METHODS,
    NO,
    YES,
    CandidateId,
    InvalidBallot,
    Method,
)

QUORUM_NOT_MET = "quorum_not_met"
MORE_BALLOTS_THAN_VOTERS = "more_ballots_than_voters"


class ThresholdBase(StrEnum):
    ENTITLED = "entitled"  # roster frozen at opening
    PRESENT = "present"  # checked in, frozen at opening
    CAST = "cast"  # ballots cast
    YES_NO = "yes_no"  # yes + no for that candidate


class Majority(StrEnum):
    SIMPLE = "simple"
    TWO_THIRDS = "two_thirds"
    THREE_QUARTERS = "three_quarters"


class Status(StrEnum):
    ADOPTED = "adopted"
    PASSED_NOT_ADOPTED = "passed_not_adopted"
    SKIPPED_BUDGET = "skipped_budget"
    TIE_PENDING = "tie_pending"
    FAILED = "failed"


# (num, den, strict): "simple" must beat half, the others may reach their fraction exactly.
_FRACTIONS: dict[Majority, tuple[int, int, bool]] = {
    Majority.SIMPLE: (1, 2, True),
    Majority.TWO_THIRDS: (2, 3, False),
    Majority.THREE_QUARTERS: (3, 4, False),
}


def _is_int(value: object) -> bool:
    # bool is an int subclass; True seats or a True cost is always a bug upstream.
    return isinstance(value, int) and not isinstance(value, bool)


def _count(value: object, name: str) -> int:
    if not _is_int(value) or value < 0:  # type: ignore[operator]
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value  # type: ignore[return-value]


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BallotRules:
    method: Method = Method.YNA
    threshold_base: ThresholdBase = ThresholdBase.ENTITLED
    majority: Majority = Majority.SIMPLE
    seats: int = 1
    budget_cap: int | None = None
    min_selections: int = 0
    max_selections: int | None = None
    quorum_num: int = 1
    quorum_den: int = 2
    secret: bool = True
    # Whether a voter must check in before casting. None: as the base implies (required
    # exactly when the base is those present), so rules frozen before this field existed
    # read, and hash, as they always did.
    check_in_required: bool | None = None

    def __post_init__(self) -> None:
        # Forms and stored JSON hand us plain strings; store enums so comparisons cannot drift.
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "threshold_base", ThresholdBase(self.threshold_base))
        object.__setattr__(self, "majority", Majority(self.majority))
        if self.check_in_required is None:
            object.__setattr__(self, "check_in_required",
                               self.threshold_base is ThresholdBase.PRESENT)

    def validate(self) -> None:
        """Raise ValueError if these rules could not run a meaningful ballot."""
        if not _is_int(self.seats) or self.seats < 1:
            raise ValueError("seats must be an integer >= 1")
        if self.budget_cap is not None and (not _is_int(self.budget_cap) or self.budget_cap < 1):
            raise ValueError("budget_cap must be None or an integer >= 1")
        if not _is_int(self.min_selections) or self.min_selections < 0:
            raise ValueError("min_selections must be an integer >= 0")
        if self.max_selections is not None and (
            not _is_int(self.max_selections) or self.max_selections < max(1, self.min_selections)
        ):
            raise ValueError("max_selections must be None or an integer >= max(1, min_selections)")
        if not _is_int(self.quorum_den) or self.quorum_den < 1:
            raise ValueError("quorum_den must be an integer >= 1")
        if not _is_int(self.quorum_num) or not 0 <= self.quorum_num <= self.quorum_den:
            raise ValueError("quorum_num must be an integer between 0 and quorum_den")
        if not isinstance(self.secret, bool):
            raise ValueError("secret must be a bool")
        if not isinstance(self.check_in_required, bool):
            raise ValueError("check_in_required must be a bool")
        if self.threshold_base is ThresholdBase.PRESENT and not self.check_in_required:
            # Those present are the base: attendance must be recorded apart from voting.
            raise ValueError("check-in is required when the base is those present")
        if self.method is Method.Y and self.threshold_base is ThresholdBase.YES_NO:
            # Approval ballots record no "no", so yes + no == yes and everything would pass.
            raise ValueError("threshold_base yes_no is meaningless for approval (Y) ballots")

    def as_dict(self) -> dict[str, object]:
        """The rules as frozen and published. `check_in_required` appears only where it says
        more than the base does (required with another base), so one set of rules has one
        spelling and the rules hashed before the field existed keep their hash."""
        out = {
            f.name: (v.value if isinstance(v := getattr(self, f.name), Enum) else v)
            for f in fields(self)
        }
        if out["check_in_required"] == (self.threshold_base is ThresholdBase.PRESENT):
            del out["check_in_required"]
        return out

    def canonical_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    def rules_hash(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, text: str) -> BallotRules:
        data = json.loads(text)
        try:
            return cls(**data)
        except TypeError as exc:  # unknown or missing keys in stored rules
            raise ValueError(str(exc)) from exc


def validate_choices(
    rules: BallotRules,
    candidate_ids: Sequence[CandidateId],
    choices: Mapping[CandidateId, object],
) -> dict[CandidateId, str]:
    """Return the normalised ballot, or raise InvalidBallot with a machine-readable code.

    YNA and YN map every candidate (blank -> "abstain"); Y maps only ticked candidates to "yes".
    min/max_selections bound the number of "yes" marks under every method.
    """
    ids = list(candidate_ids)
    if len(set(ids)) != len(ids):
        raise ValueError("candidate ids must be unique")
    if rules.min_selections > len(ids):
        raise ValueError("min_selections exceeds the number of candidates; no ballot could pass")
    normalised = METHODS[rules.method].normalise(ids, choices)
    ticked = sum(1 for c in normalised.values() if c == YES)
    if rules.max_selections is not None and ticked > rules.max_selections:
        raise InvalidBallot("too_many_selections", {"max": rules.max_selections, "got": ticked})
    if ticked < rules.min_selections:
        raise InvalidBallot("too_few_selections", {"min": rules.min_selections, "got": ticked})
    return normalised


# --- arithmetic -----------------------------------------------------------------------------


def passes(yes: int, base: int, majority: Majority | str) -> bool:
    _count(yes, "yes")
    _count(base, "base")
    if base == 0:  # nobody to count against: adopting on zero would be a silent default
        return False
    num, den, strict = _FRACTIONS[Majority(majority)]
    return yes * den > num * base if strict else yes * den >= num * base


def votes_needed(base: int, majority: Majority | str) -> int | None:
    """Smallest yes count that passes for this base; None when base is 0 (nothing passes)."""
    _count(base, "base")
    if base == 0:
        return None
    num, den, strict = _FRACTIONS[Majority(majority)]
    return num * base // den + 1 if strict else -(-num * base // den)


def quorum_met(rules: BallotRules, ballots_cast: int, entitled: int) -> bool:
    return ballots_cast * rules.quorum_den >= rules.quorum_num * entitled


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateInput:
    id: CandidateId
    cost: int = 0

    def __post_init__(self) -> None:
        _count(self.cost, "cost")


@dataclass(frozen=True)
class CandidateRow:
    id: CandidateId
    cost: int
    yes: int
    no: int
    abstain: int
    base: int
    needed: int | None
    passed: bool
    status: Status
    rank: int | None = None  # shared by tied candidates (1, 2, 2, 4); None if not passed


@dataclass(frozen=True)
class Selection:
    rows: tuple[CandidateRow, ...]
    adopted: tuple[CandidateId, ...]
    tie_pending: tuple[CandidateId, ...]
    total_adopted_cost: int


@dataclass(frozen=True)
class TallyResult:
    valid: bool
    reason: str | None
    ballots_cast: int
    entitled: int
    present: int
    rows: tuple[CandidateRow, ...]  # in the order candidates were given
    adopted: tuple[CandidateId, ...]  # in rank order
    tie_pending: tuple[CandidateId, ...]
    total_adopted_cost: int

    def row(self, candidate_id: CandidateId) -> CandidateRow:
        return next(r for r in self.rows if r.id == candidate_id)


def select(rules: BallotRules, rows: Sequence[CandidateRow]) -> Selection:
    """Decide the status of every row from `passed`, `yes` and `cost`; rows keep their order.

    Passed rows are taken by yes votes, highest first. Rows with equal yes votes form one
    group and are decided together, never one by one, so input order can never break a tie.
    While seats remain, for each group:

    1. members whose own cost exceeds the remaining budget_cap are skipped_budget
       (no way of breaking the tie could adopt them);
    2. if the other members all fit together (count <= seats left and total cost <= budget
       left), all are adopted and the next group is tried;
    3. otherwise they compete for the last seat(s) or budget: all of them become tie_pending,
       even one who would win under every resolution, and selection stops there: every
       passed row below them is passed_not_adopted until a run-off settles the tie.

    Once the seats are gone the remaining passed rows are passed_not_adopted, so a tie
    below the cut-off is harmless. Rows that did not pass are failed.
    """
    seats_left = rules.seats
    budget_left = rules.budget_cap
    status: dict[CandidateId, Status] = {}
    rank: dict[CandidateId, int] = {}
    adopted: list[CandidateRow] = []
    tied: list[CandidateRow] = []

    def fits(cost: int) -> bool:
        return budget_left is None or cost <= budget_left

    ranked = sorted((r for r in rows if r.passed), key=lambda r: -r.yes)  # stable: input order
    position = 1
    for _, grouped in groupby(ranked, key=lambda r: r.yes):
        group = list(grouped)
        for r in group:
            rank[r.id] = position
        position += len(group)
        if tied or seats_left == 0:
            status.update((r.id, Status.PASSED_NOT_ADOPTED) for r in group)
            continue
        fitting = [r for r in group if fits(r.cost)]
        status.update((r.id, Status.SKIPPED_BUDGET) for r in group if not fits(r.cost))
        if len(fitting) <= seats_left and fits(sum(r.cost for r in fitting)):
            adopted.extend(fitting)
            status.update((r.id, Status.ADOPTED) for r in fitting)
            seats_left -= len(fitting)
            if budget_left is not None:
                budget_left -= sum(r.cost for r in fitting)
        else:
            tied.extend(fitting)
            status.update((r.id, Status.TIE_PENDING) for r in fitting)

    return Selection(
        rows=tuple(
            replace(r, status=status.get(r.id, Status.FAILED), rank=rank.get(r.id)) for r in rows
        ),
        adopted=tuple(r.id for r in adopted),
        tie_pending=tuple(r.id for r in tied),
        total_adopted_cost=sum(r.cost for r in adopted),
    )


def _candidate_ids(candidates: Iterable[CandidateInput]) -> list[CandidateId]:
    ids = [c.id for c in candidates]
    if len(set(ids)) != len(ids):
        raise ValueError("candidate ids must be unique")
    return ids


def _result(
    rules: BallotRules,
    candidates: Sequence[CandidateInput],
    totals: Mapping[CandidateId, tuple[int, int, int]],
    ballots_cast: int,
    entitled: int,
    present: int,
) -> TallyResult:
    _count(entitled, "entitled")
    _count(present, "present")
    if present > entitled:
        raise ValueError("present cannot exceed entitled: check-ins come from the roster")
    if ballots_cast > entitled:
        reason: str | None = MORE_BALLOTS_THAN_VOTERS
    elif not quorum_met(rules, ballots_cast, entitled):
        reason = QUORUM_NOT_MET
    else:
        reason = None

    rows = []
    for c in candidates:
        yes, no, abstain = totals[c.id]
        base = {
            ThresholdBase.ENTITLED: entitled,
            ThresholdBase.PRESENT: present,
            ThresholdBase.CAST: ballots_cast,
            ThresholdBase.YES_NO: yes + no,
        }[rules.threshold_base]
        # A void ballot adopts nothing, so nothing is reported as having passed either.
        ok = reason is None and passes(yes, base, rules.majority)
        needed = votes_needed(base, rules.majority)
        rows.append(CandidateRow(c.id, c.cost, yes, no, abstain, base, needed, ok, Status.FAILED))

    chosen = select(rules, rows)
    return TallyResult(
        valid=reason is None,
        reason=reason,
        ballots_cast=ballots_cast,
        entitled=entitled,
        present=present,
        rows=chosen.rows,
        adopted=chosen.adopted,
        tie_pending=chosen.tie_pending,
        total_adopted_cost=chosen.total_adopted_cost,
    )


def tally(
    rules: BallotRules,
    candidates: Sequence[CandidateInput],
    ballots: Iterable[Mapping[CandidateId, object]],
    entitled: int,
    present: int,
) -> TallyResult:
    """Count electronic ballots; a stored ballot that breaks the rules raises InvalidBallot."""
    rules.validate()
    ids = _candidate_ids(candidates)
    counts = {cid: [0, 0, 0] for cid in ids}
    slot = {YES: 0, NO: 1, ABSTAIN: 2}
    ballots_cast = 0
    for ballot in ballots:
        ballots_cast += 1
        for cid, choice in validate_choices(rules, ids, ballot).items():
            counts[cid][slot[choice]] += 1
    totals = {cid: (y, n, a) for cid, (y, n, a) in counts.items()}
    return _result(rules, candidates, totals, ballots_cast, entitled, present)


def tally_from_totals(
    rules: BallotRules,
    candidates: Sequence[CandidateInput],
    totals: Mapping[CandidateId, tuple[int, int, int]],
    ballots_cast: int,
    entitled: int,
    present: int,
) -> TallyResult:
    """Tally a paper ballot from the (yes, no, abstain) an official counted for each candidate.

    Per candidate yes + no + abstain may fall short of ballots_cast (spoilt marks) but never
    exceed it; approval (Y) totals carry yes only.
    """
    rules.validate()
    ids = _candidate_ids(candidates)
    _count(ballots_cast, "ballots_cast")
    if set(totals) != set(ids):
        raise ValueError("totals must cover exactly the ballot's candidates")
    clean: dict[CandidateId, tuple[int, int, int]] = {}
    for cid in ids:
        entry = tuple(totals[cid])
        if len(entry) != 3:
            raise ValueError(f"totals for {cid!r} must be (yes, no, abstain)")
        yes, no, abstain = (_count(v, f"totals for {cid!r}") for v in entry)
        if rules.method is Method.Y and (no or abstain):
            raise ValueError(f"approval ballots record yes only, got no/abstain for {cid!r}")
        if yes + no + abstain > ballots_cast:
            raise ValueError(f"totals for {cid!r} exceed the {ballots_cast} ballots cast")
        clean[cid] = (yes, no, abstain)
    return _result(rules, candidates, clean, ballots_cast, entitled, present)


# --- after a tie: selection goes on ---------------------------------------------------------


@dataclass(frozen=True)
class Continuation:
    """Selection taken up again below a settled tie, with the seats and budget it left."""

    adopted: tuple[CandidateId, ...]  # adopted by continuing, in rank order
    skipped_budget: tuple[CandidateId, ...]  # passed, not yet decided, no longer fit the budget
    tie_pending: tuple[CandidateId, ...]  # a new tie at the new cut-off, to be settled again
    seats_left: int  # after this continuation
    budget_left: int | None  # after this continuation; None without a budget cap


def _left(rules: BallotRules, by_id: Mapping[CandidateId, CandidateRow],
          adopted: Sequence[CandidateId]) -> tuple[int, int | None]:
    seats_left = rules.seats - len(adopted)
    budget_left = (None if rules.budget_cap is None
                   else rules.budget_cap - sum(by_id[c].cost for c in adopted))
    if seats_left < 0 or (budget_left is not None and budget_left < 0):
        raise ValueError("more adopted than the seats or the budget allow")
    return seats_left, budget_left


def continue_selection(
    rules: BallotRules,
    rows: Sequence[CandidateRow],
    adopted: Iterable[CandidateId],
    settled: Iterable[CandidateId] = (),
) -> Continuation:
    """Go on down the ranking once a tie at the cut-off has been settled.

    `adopted` is everything adopted so far (by the count and by every settlement, including
    the one just made); `settled` the options of every tie settled so far, adopted or not:
    their fate is decided. The other passed rows are taken with the seats and budget still
    left, by exactly the rules of `select` (highest yes first, equal yes votes decided
    together, skipping what no longer fits), so a further tie at the new cut-off is again
    pending, and everything below it waits for that tie's settlement in turn.
    """
    by_id = {r.id: r for r in rows}
    adopted = list(dict.fromkeys(adopted))
    out = set(adopted) | set(settled)
    if not out <= set(by_id):
        raise ValueError(f"unknown options {sorted(map(str, out - set(by_id)))}")
    if not all(by_id[c].passed for c in adopted):
        raise ValueError("an option that did not pass cannot be adopted")
    seats_left, budget_left = _left(rules, by_id, adopted)
    rest = [r for r in rows if r.id not in out]
    chosen = select(replace(rules, seats=seats_left, budget_cap=budget_left), rest)
    return Continuation(
        adopted=chosen.adopted,
        skipped_budget=tuple(r.id for r in chosen.rows if r.status is Status.SKIPPED_BUDGET),
        tie_pending=chosen.tie_pending,
        seats_left=seats_left - len(chosen.adopted),
        budget_left=None if budget_left is None else budget_left - chosen.total_adopted_cost,
    )


@dataclass(frozen=True)
class SettlementStep:
    tie: tuple[CandidateId, ...]  # the tie this step settled
    adopted: tuple[CandidateId, ...]  # those of the tie the settlement adopted
    continuation: Continuation  # what selection did next


@dataclass(frozen=True)
class SettledSelection:
    adopted: tuple[CandidateId, ...]  # the count's, then each settlement's and continuation's
    tie_pending: tuple[CandidateId, ...]  # the tie still waiting, () when none
    seats_left: int
    budget_left: int | None
    steps: tuple[SettlementStep, ...]


def settle_ties(
    rules: BallotRules,
    rows: Sequence[CandidateRow],
    settlements: Iterable[Iterable[CandidateId]],
) -> SettledSelection:
    """Replay a count's selection and the chain of settlements of its ties.

    `rows` are the count's rows (their `passed`, `yes` and `cost` decide, as in `select`);
    `settlements` gives, for each tie in turn, the options its run-off or lawful resolution
    adopted. Each settlement must choose among the tie pending at that moment, within the
    seats and budget left (ValueError otherwise); selection then continues below it
    (`continue_selection`). A verifier can recompute the final outcome from the published
    rows and the settlements recorded in the ledger.
    """
    by_id = {r.id: r for r in rows}
    count = select(rules, rows)
    adopted = list(count.adopted)
    tie = count.tie_pending
    seats_left, budget_left = _left(rules, by_id, adopted)
    settled: set[CandidateId] = set()
    steps = []
    for settlement in settlements:
        chosen = tuple(dict.fromkeys(settlement))
        if not tie:
            raise ValueError("a settlement without a tie to settle")
        if not set(chosen) <= set(tie):
            raise ValueError("a settlement may only adopt options of the tie it settles")
        cost = sum(by_id[c].cost for c in chosen)
        if len(chosen) > seats_left or (budget_left is not None and cost > budget_left):
            raise ValueError("a settlement adopted more than the seats or budget left")
        settled.update(tie)
        adopted.extend(chosen)
        after = continue_selection(rules, rows, adopted, settled)
        adopted.extend(after.adopted)
        steps.append(SettlementStep(tie=tuple(tie), adopted=chosen, continuation=after))
        tie, seats_left, budget_left = after.tie_pending, after.seats_left, after.budget_left
    return SettledSelection(adopted=tuple(adopted), tie_pending=tuple(tie),
                            seats_left=seats_left, budget_left=budget_left, steps=tuple(steps))
