"""Administrators create cycles and move them one stage at a time, each move recorded: forward
once the stage's work is done (the page says what is left and links to where it is done),
back with a reason shown in the cycle's history, while nothing made later would break."""

from datetime import date

import pytest
from sqlalchemy import select

from proposals.cycles.models import Cycle, StageTransition
from proposals.cycles.services import advance_cycle, move_cycle_back
from proposals.implementation import services as implementation
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist import adoption
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from tests.functional.builders import START, TARGET, UNIT, tellers_for
from votes.base import DomainError
from votes.casting import open_ballot
from votes.closing import enter_paper_totals, publish_ballot
from votes.people import Role
from votes.rules import BallotRules


def advance(client, cycle, target):
    return client.post(f"/admin/cycles/{cycle.id}/advance",
                       data={f"c{cycle.id}-target": target, "confirm": "y"},
                       follow_redirects=True)


def move_back(client, cycle, target, reason):
    return client.post(f"/admin/cycles/{cycle.id}/back",
                       data={"back-target": target, "back-reason": reason},
                       follow_redirects=True)


def stage_of(db, cycle) -> str:
    db.refresh(cycle)
    return cycle.stage


def moves(db, cycle) -> list[tuple[str, str, str | None]]:
    return [(m.from_stage, m.to_stage, m.reason) for m in db.scalars(
        select(StageTransition).where(StageTransition.cycle_id == cycle.id)
        .order_by(StageTransition.id))]


@pytest.fixture
def admin_in_english(client, login, make_user):
    person = make_user(Role.ADMIN, name="王主任")
    login(person)
    client.get("/lang/en")
    return person


def test_each_stage_is_left_only_once_its_work_is_done_and_the_page_links_to_that_work(
    client, db, admin_in_english, official, unit_official, resident, propose, delegate_seat,
    cycle,
):
    listing = client.get("/admin/cycles").text
    assert "No proposal has been received yet" in listing
    assert f'href="/admin/cycles/{cycle.id}"' in listing
    assert "Move to: Shortlist" not in listing  # no button that can only be refused

    page = advance(client, cycle, "shortlist")
    assert stage_of(db, cycle) == "collection"
    assert "No proposal has been received yet" in page.text
    assert f'href="/cycles/{cycle.id}"' in page.text  # where proposals are made
    proposal = propose(resident)
    advance(client, cycle, "shortlist")
    assert stage_of(db, cycle) == "shortlist"

    # What the tester met: a shortlist not yet submitted does not go to the ballot.
    candidate = shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title="和平社区老旧小区加装电梯", description="为 6 栋六层住宅加装电梯。",
        responsible_unit=UNIT, estimated_cost=3_500_000, funding_source="区级财政",
        expected_completion=TARGET, location="长江街道和平社区"), [proposal.id])
    db.commit()
    page = advance(client, cycle, "ballot")
    assert stage_of(db, cycle) == "shortlist"
    assert "The shortlist has not been submitted to the assembly yet" in page.text
    assert f'href="/official/cycles/{cycle.id}/shortlist"' in page.text
    assert "Shortlist desk: submit the shortlist" in page.text
    shortlist.set_frame(db, official, cycle, budget=5_000_000, seats=1)
    shortlist.submit_shortlist(db, official, cycle)
    db.commit()
    advance(client, cycle, "ballot")
    assert stage_of(db, cycle) == "ballot"

    page = advance(client, cycle, "implementation")
    assert "The result of the ballot has not been published yet" in page.text
    assert f'href="/official/cycles/{cycle.id}/ballot/new"' in page.text
    ballot = adoption.put_to_ballot(db, official, cycle, "测试票决", BallotRules())
    open_ballot(db, official, ballot, on=date(2027, 5, 2), tellers=tellers_for(db, ballot))
    db.commit()
    page = advance(client, cycle, "implementation")
    assert stage_of(db, cycle) == "ballot"
    assert "Ballots still open, or counted but not published: 1." in page.text
    asked = client.get(f"/admin/cycles/{cycle.id}/advance").text  # the turnout, who is missing
    assert "Turnout in the cycle’s ballots" in asked and "Ballots cast: 0 of" in asked
    # The ballot has opened: its votes stand, so there is no way back to the shortlist.
    assert "The ballot has opened and its votes are on record" in page.text
    assert 'name="back-reason"' not in page.text
    enter_paper_totals(db, official, ballot, {ballot.options[0].id: (1, 0, 0)},
                       ballots_cast=1, present=1)
    publish_ballot(db, official, ballot)
    adoption.apply_outcome(db, official, ballot)
    db.commit()
    advance(client, cycle, "implementation")
    assert stage_of(db, cycle) == "implementation"

    page = advance(client, cycle, "evaluation")
    assert "Adopted projects still without an implementation plan: 1." in page.text
    assert 'href="/official/projects"' in page.text
    implementation.create_project(
        db, official, candidate, lead_official=unit_official, start_date=START,
        target_date=TARGET, milestones=[MilestoneDraft("竣工验收", TARGET, 1)])
    db.commit()
    advance(client, cycle, "evaluation")
    assert stage_of(db, cycle) == "evaluation"

    assert [(f, t) for f, t, _ in moves(db, cycle)] == [
        ("collection", "shortlist"), ("shortlist", "ballot"), ("ballot", "implementation"),
        ("implementation", "evaluation")]
    assert "王主任" in client.get(f"/cycles/{cycle.id}").text  # the timeline says who


def test_a_cycle_closes_only_once_its_rating_rounds_are_closed_and_cannot_go_back(
    client, db, admin_in_english, cycle, completed,
):
    page = advance(client, cycle, "closed")
    assert stage_of(db, cycle) == "evaluation"
    assert "Evaluation rounds still open: 1" in page.text
    assert f'href="/official/evaluation?cycle={cycle.id}"' in page.text
    assert "Evaluation rounds have opened (1)" in page.text
    refused = move_back(client, cycle, "implementation", "重新核对项目进度")
    assert refused.status_code == 422 and "Evaluation rounds have opened (1)" in refused.text
    assert stage_of(db, cycle) == "evaluation"
    assert [to for _, to, _ in moves(db, cycle)][-1] == "evaluation"


def test_admin_moves_a_cycle_back_with_a_reason_shown_in_its_history(
    client, db, admin_in_english, resident, propose, admin, cycle,
):
    propose(resident)
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    page = client.get(f"/admin/cycles/{cycle.id}").text
    assert "Move back to: Proposal collection" in page

    response = move_back(client, cycle, "collection", "  征集期延长两周，\n补充老年群体建议 ")
    assert response.status_code == 200
    assert stage_of(db, cycle) == "collection"
    assert moves(db, cycle)[-1] == ("shortlist", "collection", "征集期延长两周， 补充老年群体建议")
    last = db.scalar(select(StageTransition).order_by(StageTransition.id.desc()))
    assert last.actor_id == admin_in_english.id
    assert "征集期延长两周" in response.text  # the admin's history
    assert "Back from Shortlist to Proposal collection" in response.text
    public = client.get(f"/cycles/{cycle.id}").text
    assert "moved the cycle back from Shortlist to Proposal collection" in public
    assert "征集期延长两周" in public and "王主任" in public

    advance(client, cycle, "shortlist")  # and on again, the proposals being there
    assert stage_of(db, cycle) == "shortlist"


@pytest.mark.parametrize("typed", ["", "   \n "])
def test_a_move_back_needs_its_reason(client, db, admin_in_english, resident, propose, admin,
                                      cycle, typed):
    propose(resident)
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    response = move_back(client, cycle, "collection", typed)
    assert response.status_code == 422
    assert 'id="back-reason-error"' in response.text  # said next to the reason's box
    assert 'name="back-reason"' in response.text  # the form is there to try again
    assert stage_of(db, cycle) == "shortlist"
    assert [r for _, _, r in moves(db, cycle)] == [None]
    with pytest.raises(DomainError) as refused:
        move_cycle_back(db, cycle, admin, "collection", typed)
    assert refused.value.code == "reason_required"


def test_a_submitted_shortlist_keeps_the_cycle_from_going_back_to_collection(
    client, db, admin_in_english, admin, official, resident, propose, cycle,
):
    proposal = propose(resident)
    advance_cycle(db, cycle, admin, "shortlist")
    shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title="加装电梯", description="加装电梯。", responsible_unit=UNIT,
        estimated_cost=1_000_000, funding_source="区级财政", expected_completion=TARGET,
        location="和平社区"), [proposal.id])
    shortlist.set_frame(db, official, cycle, budget=2_000_000, seats=1)
    shortlist.submit_shortlist(db, official, cycle)
    db.commit()
    page = client.get(f"/admin/cycles/{cycle.id}").text
    assert "The shortlist has been submitted to the assembly, so the cycle cannot go back" in page
    response = move_back(client, cycle, "collection", "想再征集一轮")
    assert response.status_code == 422
    assert stage_of(db, cycle) == "shortlist"


def test_a_move_that_skips_a_stage_is_refused_and_nothing_changes(client, db,
                                                                    admin_in_english, cycle):
    response = advance(client, cycle, "ballot")
    assert stage_of(db, cycle) == "collection"
    assert "no stage may be skipped" in response.text
    assert db.scalar(select(StageTransition).where(StageTransition.cycle_id == cycle.id)) is None


def test_advance_never_moves_a_cycle_back(db, admin, resident, propose, cycle):
    propose(resident)
    advance_cycle(db, cycle, admin, "shortlist")
    with pytest.raises(DomainError) as refused:
        advance_cycle(db, cycle, admin, "collection")
    assert refused.value.code == "not_forward"
    assert cycle.stage == "shortlist"


def test_an_official_cannot_move_a_cycle_on_or_back(client, db, login, official, admin,
                                                    resident, propose, cycle):
    propose(resident)
    with pytest.raises(DomainError) as refused:
        advance_cycle(db, cycle, official, "shortlist")
    assert refused.value.code == "not_admin"
    login(official)
    response = client.post(f"/admin/cycles/{cycle.id}/advance",
                           data={f"c{cycle.id}-target": "shortlist"})
    assert response.status_code == 403
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    assert client.post(f"/admin/cycles/{cycle.id}/back",
                       data={"back-target": "collection", "back-reason": "x"}).status_code == 403
    assert client.get(f"/admin/cycles/{cycle.id}").status_code == 403
    assert stage_of(db, cycle) == "shortlist"
    with pytest.raises(DomainError) as refused:
        move_cycle_back(db, cycle, official, "collection", "理由")
    assert refused.value.code == "not_admin"


def test_admin_creates_a_cycle_from_the_form(client, db, make_user, login, assembly):
    login(make_user(Role.ADMIN))
    data = {"assembly_id": assembly.id, "title": "2028年度民生实事项目", "year": 2028}
    data.update({
        "collection_starts": "2028-01-01", "shortlist_starts": "2028-03-01",
        "ballot_starts": "2028-04-01", "implementation_starts": "2028-05-01",
        "evaluation_starts": "2028-11-01", "closes_on": "2028-12-31"})
    response = client.post("/admin/cycles", data=data)
    assert response.status_code == 302
    created = db.scalar(select(Cycle).where(Cycle.title == "2028年度民生实事项目"))
    assert created.stage == "collection" and created.year == 2028


def test_dates_out_of_order_are_refused_and_the_form_keeps_what_was_typed(
    client, db, make_user, login, assembly
):
    login(make_user(Role.ADMIN))
    data = {"assembly_id": assembly.id, "title": "日期颠倒的年度", "year": 2028,
            "collection_starts": "2028-05-01", "shortlist_starts": "2028-03-01",
            "ballot_starts": "2028-04-01", "implementation_starts": "2028-05-01",
            "evaluation_starts": "2028-11-01", "closes_on": "2028-12-31"}
    response = client.post("/admin/cycles", data=data)
    assert response.status_code == 200
    assert 'value="日期颠倒的年度"' in response.text
    assert db.scalar(select(Cycle).where(Cycle.title == "日期颠倒的年度")) is None
