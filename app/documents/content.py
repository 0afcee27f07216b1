"""What each official document (公文) says, read from published data only.

Each builder returns None while its data is not public (a ballot not yet published, a
cycle without a closed evaluation round), so the view answers 404; the numbers come from
the same stored count, counters and records the public pages show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.ballots.results import reading_order
from app.documents.numbering import (
    chinese_date,
    document_number,
    local_day,
    serial_in_year,
)
from app.money import wan_text
from proposals.cycles.models import Cycle
from proposals.evaluation.satisfaction import RaterKind, percent_text
from proposals.implementation import progress as rules
from proposals.implementation.models import Escalation, FollowUp, Project
from proposals.opendata.datasets import RoundResult, round_results
from votes import closing
from votes.ballots import Ballot, BallotResult, BallotStatus
from votes.rules import Majority, ThresholdBase
from votes.rules import Status as Outcome

# The ballots that choose projects: a cycle's own, and the run-offs that settle its ties.
PROJECT_BALLOTS = ("cycle", "runoff")
OUTCOME_WORDS = {Outcome.ADOPTED.value: "入选", Outcome.PASSED_NOT_ADOPTED.value: "名额已满",
                 Outcome.SKIPPED_BUDGET.value: "超出预算", Outcome.TIE_PENDING.value: "同票待决",
                 Outcome.FAILED.value: "未获通过"}
MAJORITY_WORDS = {Majority.SIMPLE: "超过半数", Majority.TWO_THIRDS: "达到三分之二",
                  Majority.THREE_QUARTERS: "达到四分之三"}
GROUNDS_WORDS = {rules.Grounds.OVERDUE.value: "项目逾期",
                 rules.Grounds.UNANSWERED.value: "代表跟进事项逾期未答复"}


@dataclass(frozen=True)
class Settings:
    """The installation's issuing body (发文机关), its prefix (机关代字) and time zone."""

    issuer: str
    prefix: str
    zone: str


@dataclass(frozen=True)
class Header:
    issuer: str
    number: str
    day: date

    @property
    def date_text(self) -> str:
        return chinese_date(self.day)


def wan(amount: int | None) -> str:
    """Yuan as the exact 万元 a budget document writes: 1000万元, 259.7142万元."""
    return "—" if amount is None else f"{wan_text(amount)}万元"


def _header(settings: Settings, kind: str, moment: datetime,
            events: list[tuple[datetime, object]], ident: object) -> Header:
    day = local_day(moment, settings.zone)
    serial = serial_in_year(events, (moment, ident), settings.zone)
    return Header(settings.issuer, document_number(settings.prefix, kind, day.year, serial),
                  day)


# --- the ballot: result announcement and draft resolution -------------------------------


@dataclass(frozen=True)
class Row:
    place: int | None
    title: str
    yes: int
    no: int
    abstain: int
    cost: int
    unit: str
    outcome: str


@dataclass(frozen=True)
class BallotDocument:
    header: Header
    ballot: Ballot
    subject: str  # what was chosen: the cycle's title, or the ballot's
    voters: str  # 代表, or 议事会成员 for a council
    opened: date | None
    closed: date | None
    entitled: int
    present: int
    cast: int
    base_phrase: str
    majority_phrase: str
    needed: int | None  # the pass line, when one line holds for every candidate
    adopted: list[Row]
    others: list[Row]
    tie_pending: list[str]
    digest: str
    seats: int
    budget_cap: int | None
    adopted_cost: int
    public_url: str
    qr_uri: str = ""
    announcement_number: str = ""  # the draft resolution cites the announcement

    @property
    def options(self) -> int:
        return len(self.adopted) + len(self.others)


def _published_ballots(session: Session, subjects: tuple[str, ...]) -> list[tuple[datetime, int]]:
    return [(moment, ident) for moment, ident in session.execute(
        select(Ballot.published_at, Ballot.id).where(
            Ballot.status == BallotStatus.PUBLISHED.value,
            Ballot.subject_type.in_(subjects)))]


def _base_phrase(base: ThresholdBase, voters: str, count: int | None) -> str:
    if base is ThresholdBase.ENTITLED:
        return f"应到{voters}{count}名"
    if base is ThresholdBase.PRESENT:
        return f"实到{voters}{count}名"
    if base is ThresholdBase.CAST:
        return f"收回选票{count}张"
    return "该项目赞成票与反对票之和"


def ballot_document(session: Session, ballot: Ballot, settings: Settings, *,
                    public_url: str, kind: str = "announcement") -> BallotDocument | None:
    """The announcement (kind "announcement") or the draft resolution ("resolution") of a
    published ballot that chose projects; None for any other ballot."""
    subjects = PROJECT_BALLOTS if kind == "announcement" else ("cycle",)
    if ballot.status != BallotStatus.PUBLISHED or ballot.subject_type not in subjects:
        return None
    result = closing.ballot_result(session, ballot)
    ties = closing.tie_state(session, ballot)
    options = {o.id: o for o in ballot.options}
    chosen = set(ties.adopted)
    pending = set(ties.tie_pending)
    rows = []
    for row in reading_order(result["rows"], ties.adopted):
        option = options[row["id"]]
        if row["id"] in chosen:
            outcome = OUTCOME_WORDS[Outcome.ADOPTED.value]
        elif row["id"] in pending:
            outcome = OUTCOME_WORDS[Outcome.TIE_PENDING.value]
        elif row["status"] == Outcome.ADOPTED.value:  # a settled tie went the other way
            outcome = "未入选"
        else:
            outcome = OUTCOME_WORDS[row["status"]]
        rows.append((row["id"] in chosen, Row(
            place=row["place"], title=option.title, yes=row["yes"], no=row["no"],
            abstain=row["abstain"], cost=option.cost, unit=option.unit or "—",
            outcome=outcome)))
    rules_ = ballot.rules
    voters = "议事会成员" if ballot.assembly.kind == "council" else "代表"
    lines = {row["needed"] for row in result["rows"]}
    base = result["rows"][0]["base"] if result["rows"] else None
    needed = lines.pop() if len(lines) == 1 and rules_.threshold_base != ThresholdBase.YES_NO \
        else None
    stored = session.get(BallotResult, ballot.id)
    header = _header(settings, kind, ballot.published_at,
                     _published_ballots(session, subjects), ballot.id)
    announcement = header.number if kind == "announcement" else _header(
        settings, "announcement", ballot.published_at,
        _published_ballots(session, PROJECT_BALLOTS), ballot.id).number
    qr = segno.make(public_url, error="m")
    cycle = session.get(Cycle, ballot.subject_id) if ballot.subject_type == "cycle" else None
    return BallotDocument(
        header=header, ballot=ballot, subject=cycle.title if cycle else ballot.title,
        voters=voters,
        opened=local_day(ballot.opened_at, settings.zone) if ballot.opened_at else None,
        closed=local_day(ballot.closed_at, settings.zone) if ballot.closed_at else None,
        entitled=result["entitled"], present=result["present"], cast=result["ballots_cast"],
        base_phrase=_base_phrase(rules_.threshold_base, voters, base),
        majority_phrase=MAJORITY_WORDS[rules_.majority], needed=needed,
        adopted=[r for adopted, r in rows if adopted],
        others=[r for adopted, r in rows if not adopted],
        tie_pending=[options[i].title for i in ties.tie_pending],
        digest=stored.bulletin_digest or "", seats=rules_.seats,
        budget_cap=rules_.budget_cap, adopted_cost=sum(options[i].cost for i in chosen),
        public_url=public_url, qr_uri=qr.svg_data_uri(scale=4, border=2),
        announcement_number=announcement)


# --- the cycle's evaluation notice ----------------------------------------------------


@dataclass(frozen=True)
class RatedProject:
    title: str
    unit: str
    round_no: int
    delegate: tuple[str, int]  # the rate as shown ("83.3%", or "—") and how many rated
    resident: tuple[str, int]
    below_bar: bool


@dataclass(frozen=True)
class EvaluationNotice:
    header: Header
    cycle: Cycle
    bar: int
    projects: list[RatedProject]
    rectify: list[str] = field(default_factory=list)

    @property
    def met(self) -> int:
        return len(self.projects) - len(self.rectify)


def _closed_rounds(session: Session) -> list[tuple[datetime, int]]:
    """Every closed round of every cycle, as an event: each closing re-issues its notice."""
    return [(r.closed_at, (r.project_id, r.round_no))
            for r in round_results(session) if r.closed_at is not None]


def _rate(result: RoundResult, kind: RaterKind) -> tuple[str, int]:
    counts = result.by_kind[kind]
    return percent_text(*counts.rate) or "—", counts.total


def evaluation_notice(session: Session, cycle: Cycle, settings: Settings
                      ) -> EvaluationNotice | None:
    """Each project's latest closed round; None while no round of the cycle has closed."""
    latest: dict[int, RoundResult] = {}
    for result in round_results(session, cycle.id):
        if result.closed_at is not None:
            latest[result.project_id] = result  # rounds come in order: the last one stays
    if not latest:
        return None
    units = dict(session.execute(select(Project.id, Project.responsible_unit).where(
        Project.id.in_(list(latest)))).all())
    edition = max(latest.values(), key=lambda r: (r.closed_at, r.project_id, r.round_no))
    header = _header(settings, "evaluation", edition.closed_at, _closed_rounds(session),
                     (edition.project_id, edition.round_no))
    projects = [RatedProject(
        title=r.title, unit=units[r.project_id], round_no=r.round_no,
        delegate=_rate(r, RaterKind.DELEGATE), resident=_rate(r, RaterKind.RESIDENT),
        below_bar=bool(r.below_bar)) for r in sorted(latest.values(),
                                                     key=lambda r: r.project_id)]
    bars = {r.bar for r in latest.values()}
    return EvaluationNotice(header=header, cycle=cycle,
                            bar=bars.pop() if len(bars) == 1 else cycle.satisfaction_bar,
                            projects=projects,
                            rectify=[p.title for p in projects if p.below_bar])


# --- the supervision letter -----------------------------------------------------------


@dataclass(frozen=True)
class SupervisionLetter:
    header: Header
    escalation: Escalation
    project: Project
    grounds: str
    days_late: int  # past the target date, on the letter's day
    report_days_late: int
    progress: int  # after the last progress report before the letter's day
    late_follow_ups: list[str]
    officer: str


def supervision_letter(session: Session, escalation: Escalation, settings: Settings, *,
                       answer_days: int = rules.FOLLOW_UP_ANSWER_DAYS) -> SupervisionLetter:
    """The letter of one 督办, with the facts as they stood on the day it was raised."""
    project = escalation.project
    day = local_day(escalation.raised_at, settings.zone)
    events = [(moment, ident) for moment, ident in session.execute(
        select(Escalation.raised_at, Escalation.id))]
    reports = [r for r in project.reports if r.reported_on <= day]
    completed = project.completed_on is not None and project.completed_on <= day
    pending = session.scalars(select(FollowUp).where(FollowUp.project_id == project.id)
                              .order_by(FollowUp.id)).all()
    late = [f.request for f in pending
            if f.inspection.inspected_on <= day
            and (f.answered_at is None or local_day(f.answered_at, settings.zone) > day)
            and rules.follow_up_late(f.inspection.inspected_on, f.due_on, day,
                                     answer_days=answer_days)]
    return SupervisionLetter(
        header=_header(settings, "supervision", escalation.raised_at, events, escalation.id),
        escalation=escalation, project=project,
        grounds=GROUNDS_WORDS.get(escalation.grounds, escalation.grounds),
        days_late=rules.days_late(project.target_date, day, completed=completed),
        report_days_late=rules.report_days_late(
            project.start_date, day, reports[-1].reported_on if reports else None,
            project.report_interval_days, completed=completed),
        progress=reports[-1].progress_after if reports else 0,
        late_follow_ups=late, officer=escalation.raised_by.display_name)
