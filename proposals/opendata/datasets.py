"""The public datasets as rows of plain values, for open data, the API and the cycle report."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased, selectinload

from proposals.collection.models import Proposal, ProposalStatus
from proposals.cycles.models import Cycle
from proposals.evaluation.models import EvaluationRound, RatingCount
from proposals.evaluation.satisfaction import Counts, Level, RaterKind
from proposals.implementation.models import Project
from proposals.implementation.services import last_spend, standing
from proposals.shortlist.adoption import ballots_of_cycle
from proposals.shortlist.models import Candidate, CandidateSource
from votes.ballots import Ballot, BallotStatus
from votes.closing import COUNTED, ballot_result

# Each dataset's columns, in order. Nothing here names or identifies a resident: the
# proposer's name only when they chose to be named, and ratings only as counts.
FIELDS: dict[str, tuple[str, ...]] = {
    "cycles": ("id", "title", "year", "stage", "assembly", "assembly_kind",
               "collection_starts", "shortlist_starts", "ballot_starts",
               "implementation_starts", "evaluation_starts", "closes_on", "budget", "seats",
               "satisfaction_bar"),
    "proposals": ("id", "cycle_id", "title", "description", "category", "district", "street",
                  "community", "beneficiaries", "channel", "status", "proposer_named",
                  "proposer_name", "received_on", "created_at", "cosign_count",
                  "comment_count", "merged_into_id", "candidate_id", "decline_ground",
                  "decline_reason"),
    "candidates": ("id", "cycle_id", "title", "description", "responsible_unit",
                   "estimated_cost", "funding_source", "expected_completion", "location",
                   "withdrawn", "adopted", "source_proposal_ids"),
    "ballots": ("ballot_id", "cycle_id", "ballot_title", "ballot_status", "valid",
                "option_id", "candidate_id", "title", "cost", "yes", "no", "abstain", "base",
                "needed", "passed", "outcome", "rank", "bulletin_url"),
    "projects": ("id", "cycle_id", "candidate_id", "title", "responsible_unit", "category",
                 "location", "budget", "spend_to_date", "start_date", "target_date",
                 "progress", "status", "light", "completed_on", "rectifying"),
    "satisfaction": ("project_id", "cycle_id", "title", "category", "round_no", "state",
                     "opened_at", "closed_at", "bar", "below_bar",
                     *(f"{kind}_{part}" for kind in RaterKind
                       for part in ("satisfied", "basically_satisfied", "dissatisfied", "total",
                                    "rate_percent"))),
    "funnel": ("stage", "count"),
    "categories": ("category", "projects", *(f"{kind}_{part}" for kind in RaterKind
                                             for part in ("total", "rate_percent")),
                   "all_satisfied", "all_basically_satisfied", "all_dissatisfied", "all_total",
                   "all_rate_percent"),
}
PUBLIC_DATASETS = ("cycles", "proposals", "candidates", "ballots", "projects", "satisfaction")
REPORT_DATASETS = ("funnel", "ballots", "projects", "satisfaction", "categories")
FUNNEL = ("proposals", "candidates", "adopted", "completed", "rated")
CHUNK = 1000


def plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text, everything else unchanged."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def rate_percent(counts: Counts) -> float | None:
    """The rate with one decimal, for display and data (the exact fraction is in the counts)."""
    tenths = counts.tenths
    return None if tenths is None else tenths / 10


def _page(stmt: Select, offset: int, limit: int | None) -> Select:
    return stmt.offset(offset).limit(limit) if limit is not None else stmt


# --- cycles, proposals, candidates --------------------------------------------------


def cycle_row(cycle: Cycle) -> dict:
    return {"id": cycle.id, "title": cycle.title, "year": cycle.year, "stage": cycle.stage,
            "assembly": cycle.assembly.name, "assembly_kind": cycle.assembly.kind,
            "collection_starts": cycle.collection_starts,
            "shortlist_starts": cycle.shortlist_starts, "ballot_starts": cycle.ballot_starts,
            "implementation_starts": cycle.implementation_starts,
            "evaluation_starts": cycle.evaluation_starts, "closes_on": cycle.closes_on,
            "budget": cycle.budget, "seats": cycle.seats,
            "satisfaction_bar": cycle.satisfaction_bar}


def _cycles(cycle_id: int | None) -> Select:
    stmt = select(Cycle).order_by(Cycle.year.desc(), Cycle.id.desc())
    return stmt if cycle_id is None else stmt.where(Cycle.id == cycle_id)


def cycle_rows(session: Session, cycle_id: int | None = None, offset: int = 0,
               limit: int | None = None) -> Iterator[dict]:
    for cycle in session.scalars(_page(_cycles(cycle_id), offset, limit)):
        yield cycle_row(cycle)


def _proposals(cycle_id: int | None) -> Select:
    stmt = select(
        Proposal.id, Proposal.cycle_id, Proposal.title, Proposal.description,
        Proposal.category, Proposal.district, Proposal.street, Proposal.community,
        Proposal.beneficiaries, Proposal.channel, Proposal.status, Proposal.proposer_named,
        Proposal.proposer_name, Proposal.received_on, Proposal.created_at,
        Proposal.cosign_count, Proposal.comment_count, Proposal.merged_into_id,
        CandidateSource.candidate_id, Proposal.decline_ground, Proposal.decline_reason,
    ).outerjoin(CandidateSource, CandidateSource.proposal_id == Proposal.id).where(
        Proposal.hidden.is_(False)).order_by(Proposal.id)
    return stmt if cycle_id is None else stmt.where(Proposal.cycle_id == cycle_id)


def proposal_rows(session: Session, cycle_id: int | None = None, offset: int = 0,
                  limit: int | None = None) -> Iterator[dict]:
    """Visible proposals; read in chunks, so a hundred thousand stream in little memory."""
    stmt = _page(_proposals(cycle_id), offset, limit).execution_options(yield_per=CHUNK)
    for row in session.execute(stmt):
        values = row._asdict()
        if not values["proposer_named"]:
            values["proposer_name"] = None  # personal data, never exported unless chosen
        yield values


def _adopted_candidates(cycle_id: int | None) -> Select:
    stmt = (select(CandidateSource.candidate_id)
            .join(Proposal, Proposal.id == CandidateSource.proposal_id)
            .where(Proposal.status == ProposalStatus.ADOPTED.value).distinct())
    return stmt if cycle_id is None else stmt.where(Proposal.cycle_id == cycle_id)


def candidate_rows(session: Session, cycle_id: int | None = None, offset: int = 0,
                   limit: int | None = None) -> Iterator[dict]:
    stmt = select(Candidate).order_by(Candidate.id).options(selectinload(Candidate.sources))
    if cycle_id is not None:
        stmt = stmt.where(Candidate.cycle_id == cycle_id)
    found = session.scalars(_page(stmt, offset, limit)).all()
    adopted = set(session.scalars(_adopted_candidates(cycle_id)))
    for c in found:
        yield {"id": c.id, "cycle_id": c.cycle_id, "title": c.title,
               "description": c.description, "responsible_unit": c.responsible_unit,
               "estimated_cost": c.estimated_cost, "funding_source": c.funding_source,
               "expected_completion": c.expected_completion, "location": c.location,
               "withdrawn": c.withdrawn, "adopted": not c.withdrawn and c.id in adopted,
               "source_proposal_ids": [s.proposal_id for s in c.sources]}


# --- ballots ----------------------------------------------------------------------


def counted_ballots(session: Session, cycle_id: int | None = None) -> list[tuple[int, Ballot]]:
    """(cycle id, ballot) for every counted ballot deciding a cycle, run-offs included."""
    cycles = [cycle_id] if cycle_id is not None else session.scalars(
        select(Cycle.id).order_by(Cycle.id)).all()
    return [(cid, b) for cid in cycles for b in ballots_of_cycle(session, cid)
            if b.status in COUNTED]


def ballot_rows_of(cycle_id: int, ballot: Ballot, result: dict) -> Iterator[dict]:
    options = {o.id: o for o in ballot.options}
    published = ballot.status == BallotStatus.PUBLISHED
    bulletin = f"/ballots/{ballot.id}/bulletin.json" if published else None
    for row in result["rows"]:
        option = options[row["id"]]
        yield {"ballot_id": ballot.id, "cycle_id": cycle_id, "ballot_title": ballot.title,
               "ballot_status": ballot.status, "valid": result["valid"], "option_id": option.id,
               "candidate_id": option.ref_id, "title": option.title, "cost": row["cost"],
               "yes": row["yes"], "no": row["no"], "abstain": row["abstain"],
               "base": row["base"], "needed": row["needed"], "passed": row["passed"],
               "outcome": row["status"], "rank": row["rank"], "bulletin_url": bulletin}


def ballot_rows(session: Session, cycle_id: int | None = None, offset: int = 0,
                limit: int | None = None) -> Iterator[dict]:
    rows = (row for cid, ballot in counted_ballots(session, cycle_id)
            for row in ballot_rows_of(cid, ballot, ballot_result(session, ballot)))
    for index, row in enumerate(rows):
        if index >= offset and (limit is None or index < offset + limit):
            yield row


# --- projects and satisfaction ------------------------------------------------------


def _projects(cycle_id: int | None) -> Select:
    stmt = select(Project).order_by(Project.id)
    return stmt if cycle_id is None else stmt.where(Project.cycle_id == cycle_id)


def project_rows(session: Session, today: date, cycle_id: int | None = None,
                 offset: int = 0, limit: int | None = None) -> Iterator[dict]:
    stmt = _page(_projects(cycle_id), offset, limit).options(
        selectinload(Project.milestones), selectinload(Project.reports))
    for p in session.scalars(stmt):
        st = standing(p, today)
        yield {"id": p.id, "cycle_id": p.cycle_id, "candidate_id": p.candidate_id,
               "title": p.title, "responsible_unit": p.responsible_unit,
               "category": p.category, "location": p.location, "budget": p.budget,
               "spend_to_date": last_spend(p), "start_date": p.start_date,
               "target_date": p.target_date, "progress": st.progress,
               "status": st.status.value, "light": st.light.value,
               "completed_on": p.completed_on, "rectifying": p.rectifying}


@dataclass(frozen=True)
class RoundResult:
    project_id: int
    cycle_id: int
    title: str
    category: str
    round_no: int
    opened_at: datetime
    closed_at: datetime | None
    bar: int
    below_bar: bool | None
    by_kind: dict[RaterKind, Counts]

    @property
    def state(self) -> str:
        if self.closed_at is None:
            return "open"
        return "below_bar" if self.below_bar else "met_bar"

    def row(self) -> dict:
        row = {"project_id": self.project_id, "cycle_id": self.cycle_id, "title": self.title,
               "category": self.category, "round_no": self.round_no, "state": self.state,
               "opened_at": self.opened_at, "closed_at": self.closed_at, "bar": self.bar,
               "below_bar": self.below_bar}
        for kind, counts in self.by_kind.items():
            row.update({f"{kind}_{level}": getattr(counts, level) for level in Level})
            row[f"{kind}_total"] = counts.total
            row[f"{kind}_rate_percent"] = rate_percent(counts)
        return row


def round_results(session: Session, cycle_id: int | None = None, *, latest_only: bool = False,
                  offset: int = 0, limit: int | None = None) -> list[RoundResult]:
    """Rounds with both groups' counts, read from the counters (a few rows per round)."""
    stmt = (select(EvaluationRound, Project.cycle_id, Project.title, Project.category,
                   Cycle.satisfaction_bar)
            .join(Project, Project.id == EvaluationRound.project_id)
            .join(Cycle, Cycle.id == Project.cycle_id)
            .order_by(EvaluationRound.project_id, EvaluationRound.round_no))
    if cycle_id is not None:
        stmt = stmt.where(Project.cycle_id == cycle_id)
    if latest_only:
        later = aliased(EvaluationRound)
        newest = (select(func.max(later.round_no))
                  .where(later.project_id == EvaluationRound.project_id).scalar_subquery())
        stmt = stmt.where(EvaluationRound.round_no == newest)
    found = session.execute(_page(stmt, offset, limit)).all()
    tally: dict[tuple[int, int], dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(dict))
    if found:
        ids = sorted({r.EvaluationRound.project_id for r in found})
        for pid, rno, kind, level, n in session.execute(
                select(RatingCount.project_id, RatingCount.round_no, RatingCount.rater_kind,
                       RatingCount.level, RatingCount.n)
                .where(RatingCount.project_id.in_(ids))):
            tally[(pid, rno)][kind][level] = n
    results = []
    for r in found:
        rnd = r.EvaluationRound
        by_level = tally[(rnd.project_id, rnd.round_no)]
        results.append(RoundResult(
            project_id=rnd.project_id, cycle_id=r.cycle_id, title=r.title,
            category=r.category, round_no=rnd.round_no, opened_at=rnd.opened_at,
            closed_at=rnd.closed_at, bar=rnd.bar or r.satisfaction_bar,
            below_bar=rnd.below_bar,
            by_kind={kind: Counts.of(by_level[kind.value]) for kind in RaterKind}))
    return results


def satisfaction_rows(session: Session, cycle_id: int | None = None, offset: int = 0,
                      limit: int | None = None) -> Iterator[dict]:
    for result in round_results(session, cycle_id, offset=offset, limit=limit):
        yield result.row()


def category_rows(results: list[RoundResult]) -> list[dict]:
    """Satisfaction per category over each project's latest round, both groups summed."""
    grouped: dict[str, list[RoundResult]] = defaultdict(list)
    for result in results:
        grouped[result.category].append(result)
    rows = []
    for category, members in sorted(grouped.items()):
        by_kind = {kind: sum((m.by_kind[kind] for m in members), Counts()) for kind in RaterKind}
        overall = by_kind[RaterKind.DELEGATE] + by_kind[RaterKind.RESIDENT]
        row = {"category": category, "projects": len(members)}
        for kind, counts in by_kind.items():
            row[f"{kind}_total"] = counts.total
            row[f"{kind}_rate_percent"] = rate_percent(counts)
        row.update({f"all_{level}": getattr(overall, level) for level in Level})
        row.update(all_total=overall.total, all_rate_percent=rate_percent(overall))
        rows.append(row)
    return rows


def funnel_rows(session: Session, cycle_id: int, results: list[RoundResult]) -> list[dict]:
    """How far the cycle's proposals got: received, candidates, adopted, completed, rated."""
    proposals = session.scalar(select(func.count(Proposal.id)).where(
        Proposal.cycle_id == cycle_id, Proposal.hidden.is_(False))) or 0
    candidates = session.scalar(select(func.count(Candidate.id)).where(
        Candidate.cycle_id == cycle_id, Candidate.withdrawn.is_(False))) or 0
    adopted = session.scalar(select(func.count(Candidate.id)).where(
        Candidate.cycle_id == cycle_id, Candidate.withdrawn.is_(False),
        Candidate.id.in_(_adopted_candidates(cycle_id)))) or 0
    completed = session.scalar(select(func.count(Project.id)).where(
        Project.cycle_id == cycle_id, Project.completed_on.is_not(None))) or 0
    rated = len({r.project_id for r in results
                 if any(c.total for c in r.by_kind.values())})
    counts = dict(zip(FUNNEL, (proposals, candidates, adopted, completed, rated), strict=True))
    return [{"stage": stage, "count": counts[stage]} for stage in FUNNEL]


@dataclass(frozen=True)
class CycleReport:
    """Everything the public report of a cycle shows, each part also a downloadable dataset."""

    cycle: Cycle
    funnel: list[dict]
    ballots: list[tuple[Ballot, dict]]
    projects: list[dict]
    rounds: list[RoundResult]
    categories: list[dict]

    def dataset(self, name: str) -> list[dict]:
        if name == "funnel":
            return self.funnel
        if name == "ballots":
            return [row for ballot, result in self.ballots
                    for row in ballot_rows_of(self.cycle.id, ballot, result)]
        if name == "projects":
            return self.projects
        if name == "satisfaction":
            return [r.row() for r in self.rounds]
        if name == "categories":
            return self.categories
        raise KeyError(name)


def cycle_report(session: Session, cycle: Cycle, today: date) -> CycleReport:
    rounds = round_results(session, cycle.id, latest_only=True)
    return CycleReport(
        cycle=cycle, funnel=funnel_rows(session, cycle.id, rounds),
        ballots=[(b, ballot_result(session, b)) for _cid, b in counted_ballots(session, cycle.id)],
        projects=list(project_rows(session, today, cycle.id)), rounds=rounds,
        categories=category_rows(rounds))


def dataset_rows(session: Session, name: str, *, today: date, cycle_id: int | None = None,
                 offset: int = 0, limit: int | None = None) -> Iterator[dict]:
    """The rows of a public dataset, optionally of one cycle and one page."""
    if name == "cycles":
        return cycle_rows(session, cycle_id, offset, limit)
    if name == "proposals":
        return proposal_rows(session, cycle_id, offset, limit)
    if name == "candidates":
        return candidate_rows(session, cycle_id, offset, limit)
    if name == "ballots":
        return ballot_rows(session, cycle_id, offset, limit)
    if name == "projects":
        return project_rows(session, today, cycle_id, offset, limit)
    if name == "satisfaction":
        return satisfaction_rows(session, cycle_id, offset, limit)
    raise KeyError(name)


def dataset_count(session: Session, name: str, cycle_id: int | None = None) -> int:
    """How many rows dataset_rows would give without a page: for the API's page count."""
    if name == "cycles":
        stmt = _cycles(cycle_id)
    elif name == "proposals":
        stmt = _proposals(cycle_id)
    elif name == "candidates":
        stmt = select(Candidate.id).where(*(
            [Candidate.cycle_id == cycle_id] if cycle_id is not None else []))
    elif name == "projects":
        stmt = _projects(cycle_id)
    elif name == "satisfaction":
        stmt = select(EvaluationRound.project_id).join(Project).where(*(
            [Project.cycle_id == cycle_id] if cycle_id is not None else []))
    elif name == "ballots":
        return sum(len(b.options) for _cid, b in counted_ballots(session, cycle_id))
    else:
        raise KeyError(name)
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
