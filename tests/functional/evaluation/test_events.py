"""The first round opens on the contexts' events (proposals.events), wired by create_app.

Cycles send cycle_stage_changed and implementation sends project_completed; evaluation's
handlers, connected by proposals.wiring.connect_contexts, open the due rounds. Nothing is
connected by importing a module, and a Session opens no round by itself.
"""

import subprocess
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from proposals import events, wiring
from proposals.collection.models import Notification
from proposals.cycles.services import advance_cycle
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import EvaluationRound
from proposals.implementation import services as implementation
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from votes.people import Role

ROOT = Path(__file__).resolve().parents[3]
UNIT = "区住建委"
START, TARGET = date(2027, 7, 1), date(2027, 10, 31)
BUILT, DONE = date(2027, 8, 20), date(2027, 9, 15)  # in implementation; under evaluation


# --- builders ---------------------------------------------------------------------------


@pytest.fixture
def wired(app):
    """The contexts wired as the web app wires them: create_app calls connect_contexts."""
    return app


@pytest.fixture
def unwired():
    """No handler connected, as in a program that never built the app; restored after."""
    was = connected()
    wiring.disconnect_contexts()
    yield
    if was:
        wiring.connect_contexts()


@pytest.fixture
def sent():
    """Every event sent during the test, as (signal name, sender, payload)."""
    seen = []

    def recorder(name):
        def record(sender, **payload):
            seen.append((name, sender, payload))
        return record

    receivers = [(signal, recorder(signal.name))
                 for signal in (events.cycle_stage_changed, events.project_completed)]
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False)
    yield seen
    for signal, receiver in receivers:
        signal.disconnect(receiver)


@pytest.fixture
def works(db, cycle, admin, official, resident, make_user, propose):
    """Two projects of the cycle, now in implementation, two milestones each, none reached.
    `resident` proposed the first one."""
    lead = make_user(Role.OFFICIAL, name="王科长")
    lead.unit = UNIT
    sources = [propose(resident, title="老旧小区加装电梯"),
               propose(make_user(Role.RESIDENT), title="修缮社区道路")]
    advance_cycle(db, cycle, admin, "shortlist")
    candidates = [shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title=f"和平社区{source.title}", description="实施方案说明。", responsible_unit=UNIT,
        estimated_cost=1_000_000, funding_source="区级财政", expected_completion=TARGET,
        location="长江街道和平社区"), [source.id]) for source in sources]
    # The fixture skips the ballot's work: no submitted shortlist, no published result.
    advance_cycle(db, cycle, admin, "ballot", check_work=False)
    advance_cycle(db, cycle, admin, "implementation", check_work=False)
    for source in sources:
        source.status = "adopted"  # what the ballot's result does to its sources
    made = [implementation.create_project(
        db, official, candidate, lead_official=lead, start_date=START, target_date=TARGET,
        milestones=[MilestoneDraft("主体施工", date(2027, 8, 31), 1),
                    MilestoneDraft("竣工验收", TARGET, 1)]) for candidate in candidates]
    db.commit()
    return SimpleNamespace(projects=made, lead=lead, cycle=cycle, admin=admin)


def complete(db, works, project, day):
    """Report every milestone reached, through the service."""
    for milestone in list(project.milestones):
        implementation.report_progress(db, works.lead, project, reported_on=day, body="节点完成",
                                       milestone_id=milestone.id, today=day)
    db.commit()
    assert project.completed_on == day


def connected() -> bool:
    return all(any(r is receiver for r in signal.receivers.values())
               for signal, receiver in wiring.HANDLERS)


def rounds_of(db, project) -> list[tuple[int, bool, int | None]]:
    return [(r.round_no, r.is_open, r.opened_by_id) for r in evaluation.rounds_of(db, project.id)]


def told(db, project) -> list[int]:
    return sorted(n.user_id for n in db.scalars(select(Notification).where(
        Notification.kind == "evaluation_opened")) if n.params["project"] == project.id)


# --- the events open the due rounds -----------------------------------------------------


def test_advancing_into_evaluation_opens_the_rounds_of_its_completed_projects(
        db, wired, works, resident, sent):
    done, under_way = works.projects
    complete(db, works, done, BUILT)
    assert rounds_of(db, done) == []  # completed during implementation: not yet rated
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    assert not db.new and not db.dirty  # the handler flushed, as a service does
    assert rounds_of(db, done) == [(1, True, None)]
    db.commit()
    assert rounds_of(db, under_way) == []
    assert [e.action for e in evaluation.log_of(db, done.id)] == ["opened"]
    assert resident.id in told(db, done)
    assert ("cycle-stage-changed", works.cycle, {
        "session": db, "actor": works.admin, "from_stage": "implementation",
        "to_stage": "evaluation"}) in sent


def test_completing_a_project_under_evaluation_opens_its_round(db, wired, works, resident,
                                                                sent):
    project, _ = works.projects
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    assert rounds_of(db, project) == []
    complete(db, works, project, DONE)
    assert rounds_of(db, project) == [(1, True, None)]
    assert [e.action for e in evaluation.log_of(db, project.id)] == ["opened"]
    assert resident.id in told(db, project)
    assert [(name, sender) for name, sender, _ in sent if name == "project-completed"] == [
        ("project-completed", project)]
    assert sent[-1][2] == {"session": db, "actor": works.lead}


def test_a_new_milestone_plan_that_completes_the_project_opens_its_round(db, wired, works):
    project, _ = works.projects
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    first, _last = project.milestones
    implementation.report_progress(db, works.lead, project, reported_on=DONE, body="主体完工",
                                   milestone_id=first.id, today=DONE)
    assert rounds_of(db, project) == []
    implementation.set_milestones(db, works.lead, project, [
        MilestoneDraft(first.title, first.target_date, first.weight, id=first.id)])
    db.commit()
    assert project.completed_on is not None
    assert rounds_of(db, project) == [(1, True, None)]


def test_nothing_opens_in_the_other_stages(db, wired, works, sent):
    done, under_way = works.projects
    complete(db, works, done, BUILT)  # in implementation
    assert ("project-completed", done) in [(name, s) for name, s, _ in sent]
    assert db.scalar(select(func.count()).select_from(EvaluationRound)) == 0
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    advance_cycle(db, works.cycle, works.admin, "closed", check_work=False)  # a round open
    complete(db, works, under_way, DONE)  # completed after the cycle closed
    db.commit()
    assert rounds_of(db, done) == [(1, True, None)]  # from entering evaluation, only
    assert rounds_of(db, under_way) == []
    moves = [(p["from_stage"], p["to_stage"]) for name, _, p in sent
             if name == "cycle-stage-changed"]
    assert moves == [("implementation", "evaluation"), ("evaluation", "closed")]


def test_connecting_twice_opens_each_round_once(db, wired, works, resident):
    before = {signal.name: len(signal.receivers) for signal, _ in wiring.HANDLERS}
    wiring.connect_contexts()
    wiring.connect_contexts()
    assert {signal.name: len(signal.receivers) for signal, _ in wiring.HANDLERS} == before
    done, under_way = works.projects
    complete(db, works, done, BUILT)
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    complete(db, works, under_way, DONE)
    for project in (done, under_way):
        assert rounds_of(db, project) == [(1, True, None)]
        assert [e.action for e in evaluation.log_of(db, project.id)] == ["opened"]
    assert told(db, done).count(resident.id) == 1


def test_handlers_are_held_strongly_and_called_again_they_open_nothing_new(db, wired, works):
    assert connected()  # the functions themselves, not weak references, are kept
    done, _ = works.projects
    complete(db, works, done, BUILT)
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    evaluation.on_cycle_stage_changed(works.cycle, session=db, actor=works.admin,
                                      from_stage="implementation", to_stage="evaluation")
    evaluation.on_project_completed(done, session=db, actor=works.lead)
    db.commit()
    assert rounds_of(db, done) == [(1, True, None)]
    assert len(evaluation.log_of(db, done.id)) == 1


# --- without the wiring, a Session does nothing by itself -------------------------------


def test_a_session_without_the_wiring_opens_no_round(db, unwired, works):
    done, under_way = works.projects
    complete(db, works, done, BUILT)
    advance_cycle(db, works.cycle, works.admin, "evaluation")
    complete(db, works, under_way, DONE)
    db.commit()
    assert db.scalar(select(func.count()).select_from(EvaluationRound)) == 0
    assert evaluation.open_due_rounds(db, [done, under_way]) == [done, under_way]  # were due


def test_importing_the_app_and_the_domain_connects_nothing():
    probe = "\n".join((
        "import app, app.models, proposals.wiring",
        "from app.demo import seed",
        "from sqlalchemy.orm import Session",
        "from proposals import events",
        "assert not events.cycle_stage_changed.receivers, 'cycle_stage_changed'",
        "assert not events.project_completed.receivers, 'project_completed'",
        "assert not Session().dispatch.before_flush, 'a before_flush listener'",
        "proposals.wiring.connect_contexts()",
        "assert events.cycle_stage_changed.receivers and events.project_completed.receivers",
    ))
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
