"""Unit tests for the demo seed: who and what it creates, and that a second run adds nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import app.models
from app.auth import passwords
from app.demo import seed as demo
from proposals.collection.models import Category, Channel, Proposal, ProposalStatus
from proposals.cycles.models import Cycle, StageTransition
from proposals.cycles.stages import ORDER, Stage
from votes.people import Assembly, AssemblyKind, Role, User, find_user, roster

PASSWORD = "demo-pass-2027"


def _fresh_session() -> Session:
    passwords.use_light_parameters()
    engine = create_engine("sqlite://")
    app.models.metadata.create_all(engine)
    return Session(engine)


def _row_counts(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table))
        for table in app.models.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def seeded():
    session = _fresh_session()
    summary = demo.seed(session, password=PASSWORD)
    session.commit()
    yield session, summary
    session.close()


@pytest.fixture
def session(seeded) -> Session:
    return seeded[0]


def _assembly(session: Session, kind: AssemblyKind) -> Assembly:
    return session.scalars(select(Assembly).filter_by(kind=kind.value)).one()


def test_summary_reports_what_was_created(seeded):
    _, summary = seeded
    assert "\n" not in summary
    assert "116 accounts" in summary and "7 cycles" in summary


def test_accounts_and_their_roles(session):
    admin = find_user(session, "admin")
    assert admin.roles == {Role.ADMIN, Role.OFFICIAL}
    assert admin.display_name == "系统管理员"
    for i in range(1, 7):
        assert find_user(session, f"official{i}").roles == {Role.OFFICIAL}
    for i in range(1, 61):
        assert find_user(session, f"delegate{i:02}").roles == {Role.DELEGATE}
    for i in range(1, 10):
        assert find_user(session, f"council{i}").roles == {Role.RESIDENT, Role.DELEGATE}
    for i in range(1, 41):
        assert find_user(session, f"resident{i:02}").roles == {Role.RESIDENT}
    users = list(session.scalars(select(User)))
    assert len(users) == 116
    assert all(u.username.isascii() and u.username == u.username.lower() for u in users)
    names = [u.display_name for u in users]
    assert len(set(names)) == len(names)
    assert all(not n.isascii() for n in names)


def test_every_account_shares_one_hash_and_the_password_verifies(session):
    hashes = set(session.scalars(select(User.password_hash)))
    assert len(hashes) == 1
    stored = find_user(session, "delegate01").password_hash
    assert passwords.verify_password(stored, PASSWORD)
    assert not passwords.verify_password(stored, "wrong")


def test_rosters(session):
    congress = _assembly(session, AssemblyKind.CONGRESS)
    council = _assembly(session, AssemblyKind.COUNCIL)
    assert congress.name == "滨江区第十八届人民代表大会" and congress.area == "滨江区"
    assert council.name == "和平社区居民议事会"
    for year in (2024, 2025, 2026, 2027):  # each congress ballot falls within the term
        seated = roster(session, congress.id, date(year, 1, 15))
        assert [u.username for u in seated] == [f"delegate{i:02}" for i in range(1, 61)]
    members = roster(session, council.id, date(2026, 6, 1))
    assert [u.username for u in members] == [f"council{i}" for i in range(1, 10)]
    assert {m.title for m in council.memberships} == {"召集人", None}


def test_a_cycle_at_every_stage_with_its_history(session):
    cycles = list(session.scalars(select(Cycle)))
    assert {c.stage for c in cycles} == set(Stage)
    for cycle in cycles:
        moves = cycle.transitions
        assert len(moves) == ORDER.index(Stage(cycle.stage))
        assert [m.to_stage for m in moves] == [s.value for s in ORDER[1:len(moves) + 1]]
        assert all(m.actor.username == "admin" for m in moves)
        assert [m.at.date() for m in moves] == [cycle.planned_start(Stage(m.to_stage))
                                                for m in moves]
    closed = [c for c in cycles if c.stage == Stage.CLOSED]
    assert closed and all(len(c.transitions) == 5 for c in closed)
    assert session.scalar(select(func.count()).select_from(StageTransition)) == sum(
        ORDER.index(Stage(c.stage)) for c in cycles)


def test_proposals_cover_every_category_and_channel(session):
    proposals = list(session.scalars(select(Proposal)))
    assert {p.category for p in proposals} == {c.value for c in Category}
    assert {p.channel for p in proposals} == {c.value for c in Channel}
    for cycle in session.scalars(select(Cycle)):
        mine = [p for p in proposals if p.cycle_id == cycle.id]
        assert 15 <= len(mine) <= 40
        assert len({p.title for p in mine}) == len(mine)
        assert {p.category for p in mine} == {c.value for c in Category}
        if cycle.assembly.kind == AssemblyKind.COUNCIL:
            assert {(p.street, p.community) for p in mine} == {("长江街道", "和平社区")}
        for p in mine:
            assert cycle.collection_starts <= p.created_at.date() < cycle.shortlist_starts
            assert p.beneficiaries and p.beneficiaries > 0
            assert p.district == "滨江区" and p.description


def test_proposers_and_who_entered_them(session):
    proposals = list(session.scalars(select(Proposal)))
    for p in proposals:
        if p.channel == Channel.ONLINE:
            assert p.proposer_id == p.entered_by_id
            assert p.proposer.has_role(Role.RESIDENT)
        else:
            assert p.entered_by.has_role(Role.OFFICIAL, Role.DELEGATE)
        if p.proposer is not None:
            assert p.proposer_name == p.proposer.display_name
        assert p.proposer_name
    assert any(p.proposer_id is None for p in proposals)


ALLOWED = {
    Stage.COLLECTION: {"submitted"},
    Stage.SHORTLIST: {"submitted", "under_review"},
    Stage.BALLOT: {"accepted", "merged", "declined"},
}
AFTER_BALLOT = {"adopted", "accepted", "merged", "declined"}


def test_statuses_fit_the_stage(session):
    for cycle in session.scalars(select(Cycle)):
        statuses = set(session.scalars(select(Proposal.status).filter_by(cycle_id=cycle.id)))
        stage = Stage(cycle.stage)
        assert statuses <= ALLOWED.get(stage, AFTER_BALLOT)
        if stage not in ALLOWED:
            assert ProposalStatus.ADOPTED in statuses


def test_second_run_creates_nothing(seeded):
    session, _ = seeded
    before = _row_counts(session)
    summary = demo.seed(session, password="another password")
    session.commit()
    assert _row_counts(session) == before
    assert "nothing created" in summary
    assert passwords.verify_password(find_user(session, "admin").password_hash, PASSWORD)


def test_deterministic_and_hashes_once(monkeypatch):
    calls = []

    def counting_hash(password: str) -> str:
        calls.append(password)
        return passwords.hash_password(password)

    monkeypatch.setattr(demo, "hash_password", counting_hash)
    runs = []
    for _ in range(2):
        with _fresh_session() as session:
            demo.seed(session, password=PASSWORD)
            runs.append(list(session.execute(select(
                Proposal.title, Proposal.status, Proposal.channel, Proposal.proposer_name,
                Proposal.beneficiaries, Proposal.created_at,
            ).order_by(Proposal.id))))
            runs[-1].append(tuple(session.scalars(select(User.display_name).order_by(User.id))))
    assert runs[0] == runs[1]
    assert calls == [PASSWORD, PASSWORD]  # once per fresh database, not once per account


def test_cycles_from_the_ballot_on_have_a_submitted_shortlist(seeded):
    from proposals.shortlist.models import Candidate, CandidateSource

    session, _ = seeded
    for cycle in session.scalars(select(Cycle)):
        candidates = session.scalars(select(Candidate).filter_by(cycle_id=cycle.id)).all()
        if ORDER.index(Stage(cycle.stage)) >= ORDER.index(Stage.BALLOT):
            assert len(candidates) > cycle.seats >= 1  # 差额
            assert cycle.budget > 0 and cycle.shortlist_submitted_at is not None
            sources = session.scalars(select(CandidateSource.proposal_id).join(Candidate)
                                      .where(Candidate.cycle_id == cycle.id)).all()
            statuses = {session.get(Proposal, pid).status for pid in sources}
            assert statuses <= {"accepted", "adopted"}
        else:
            assert candidates == []


def test_demo_ballots_count_to_the_demo_outcome_and_verify(seeded):
    from proposals.shortlist.adoption import ballots_of_cycle
    from proposals.shortlist.models import Candidate
    from votes.bulletin import verify_ballot
    from votes.closing import adopted_option_ids

    session, _ = seeded
    for cycle in session.scalars(select(Cycle)):
        ballots = ballots_of_cycle(session, cycle.id)
        if ORDER.index(Stage(cycle.stage)) < ORDER.index(Stage.BALLOT):
            assert ballots == []
            continue
        (ballot,) = ballots
        if cycle.stage == "ballot":
            assert ballot.status == "open"  # the demo's council can vote now
            continue
        assert ballot.status == "published"
        assert verify_ballot(session, ballot.id).ok
        refs = {o.id: o.ref_id for o in ballot.options}
        adopted = {refs[i] for i in adopted_option_ids(session, ballot)}
        marked = {c.id for c in session.scalars(select(Candidate).filter_by(cycle_id=cycle.id))
                  if all(s.proposal.status == "adopted" for s in c.sources)}
        assert adopted == marked
