"""The shortlist: accept, merge into candidates, decline with reasons, budget, lock, amend."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from proposals.collection.models import Notification
from proposals.collection.services import cosign, follow
from proposals.cycles.services import advance_cycle
from proposals.shortlist import services as shortlist
from proposals.shortlist.models import Candidate, CandidateSource, ShortlistAmendment
from votes.base import DomainError
from votes.people import Role

CANDIDATE = {"title": "和平社区老旧小区加装电梯", "description": "为 6 栋六层住宅加装电梯。",
             "responsible_unit": "区住建委", "estimated_cost": "350",
             "funding_source": "区级财政", "policy_basis": "城市更新行动方案",
             "feasibility": "已完成管线勘察", "expected_completion": "2027-10-31",
             "location": "长江街道和平社区"}


@pytest.fixture
def shortlisting(db, cycle, admin, resident, make_user, propose):
    """A cycle in the shortlist stage with three proposals; returns them."""
    lift = propose(resident, title="老旧小区加装电梯")
    lift2 = propose(make_user(Role.RESIDENT), title="为我们楼加装电梯")
    canteen = propose(resident, title="社区食堂", category="elderly_care")
    fan = make_user(Role.RESIDENT, name="关注者")
    cosign(db, fan, lift)
    follow(db, fan, lift)
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    return lift, lift2, canteen, fan


def test_an_official_accepts_two_proposals_into_one_candidate_and_the_public_sees_it(
    client, db, login, official, cycle, shortlisting
):
    lift, lift2, _canteen, fan = shortlisting
    login(official)
    response = client.post(f"/official/cycles/{cycle.id}/candidates/new",
                           data={**CANDIDATE, "proposal_numbers": f"{lift.id}，{lift2.id}"})
    assert response.status_code == 302
    candidate = db.scalar(select(Candidate))
    assert {s.proposal_id for s in candidate.sources} == {lift.id, lift2.id}
    db.refresh(lift)
    assert lift.status == "accepted"
    told = {(n.user_id, n.params.get("status")) for n in db.scalars(select(Notification))}
    assert (lift.proposer_id, "accepted") in told and (fan.id, "accepted") in told
    client.post("/account/logout")
    page = client.get(f"/cycles/{cycle.id}/shortlist").text
    assert "和平社区老旧小区加装电梯" in page and "350 万元" in page and "区住建委" in page
    assert f'href="/proposals/{lift.id}"' in page and f'href="/proposals/{lift2.id}"' in page
    assert "已列入候选" in client.get(f"/proposals/{lift.id}").text


def test_a_proposal_cannot_be_in_two_candidates(client, db, login, official, cycle,
                                                shortlisting):
    lift, *_ = shortlisting
    login(official)
    client.post(f"/official/cycles/{cycle.id}/candidates/new",
                data={**CANDIDATE, "proposal_numbers": str(lift.id)})
    second = client.post(f"/official/cycles/{cycle.id}/candidates/new",
                         data={**CANDIDATE, "title": "另一个项目",
                               "proposal_numbers": str(lift.id)})
    assert second.status_code == 200
    assert f"建议 {lift.id} 已列入其他候选项目" in second.text
    assert 'value="另一个项目"' in second.text  # what was typed is kept
    assert db.scalar(select(Candidate).where(Candidate.title == "另一个项目")) is None
    other = Candidate(cycle_id=cycle.id, title="x", description="x", responsible_unit="x",
                      estimated_cost=1, funding_source="x", location="x",
                      expected_completion=db.scalar(select(Candidate.expected_completion)),
                      created_by_id=official.id)
    db.add(other)
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(CandidateSource(proposal_id=lift.id, candidate_id=other.id))
        db.flush()


def test_declining_needs_a_public_reason_which_everyone_then_sees(
    client, db, login, official, cycle, shortlisting
):
    _lift, _lift2, canteen, _fan = shortlisting
    login(official)
    empty = client.post(f"/official/proposals/{canteen.id}/screen",
                        data={"d-ground": "over_budget", "d-reason": "", "d-submit": "1"})
    assert empty.status_code == 200 and 'aria-invalid="true"' in empty.text
    db.refresh(canteen)
    assert canteen.status != "declined"
    with pytest.raises(DomainError, match="required"):
        shortlist.decline(db, official, canteen, "over_budget", "   ")
    client.post(f"/official/proposals/{canteen.id}/screen", data={
        "d-ground": "planned_elsewhere", "d-reason": "已列入区养老服务三年计划。", "d-submit": "1"})
    db.refresh(canteen)
    assert (canteen.status, canteen.decline_ground) == ("declined", "planned_elsewhere")
    client.post("/account/logout")
    for page in (client.get(f"/proposals/{canteen.id}").text,
                 client.get(f"/cycles/{cycle.id}/shortlist").text):
        assert "已列入区养老服务三年计划。" in page and "已列入其他计划" in page
    note = db.scalar(select(Notification).where(Notification.user_id == canteen.proposer_id,
                                                Notification.params["status"].as_string()
                                                == "declined"))
    assert note is not None


def test_the_database_refuses_a_declined_proposal_without_a_reason(db, shortlisting):
    _lift, _lift2, canteen, _fan = shortlisting
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE proposals SET status = 'declined' WHERE id = :id"),
                   {"id": canteen.id})


def test_the_budget_view_warns(client, db, login, official, cycle, shortlisting):
    lift, lift2, canteen, _fan = shortlisting
    login(official)
    client.post(f"/official/cycles/{cycle.id}/shortlist",
                data={"f-budget": "300", "f-seats": "2", "f-submit": "1"})
    db.refresh(cycle)
    assert (cycle.budget, cycle.seats) == (3_000_000, 2)
    client.post(f"/official/cycles/{cycle.id}/candidates/new",
                data={**CANDIDATE, "proposal_numbers": str(lift.id)})
    page = client.get(f"/official/cycles/{cycle.id}/shortlist").text
    assert "候选项目数量不多于拟票决项目数" in page  # 1 candidate for 2 seats
    assert "单个候选项目的费用就超过了全部预算" in page  # 350万 > 300万
    assert "300 万元" in page and "1:2" in page


def test_submission_locks_the_shortlist_and_later_changes_are_public_amendments(
    client, db, login, official, cycle, admin, shortlisting
):
    lift, lift2, canteen, _fan = shortlisting
    login(official)
    client.post(f"/official/cycles/{cycle.id}/shortlist",
                data={"f-budget": "1000", "f-seats": "1", "f-submit": "1"})
    client.post(f"/official/cycles/{cycle.id}/candidates/new",
                data={**CANDIDATE, "proposal_numbers": f"{lift.id},{lift2.id}"})
    early = client.post(f"/official/cycles/{cycle.id}/shortlist",
                        data={"s-submit": "1", "s-confirm": "y"}, follow_redirects=True)
    assert "1 条建议尚待处理" in early.text  # the canteen is undecided
    db.refresh(cycle)
    assert cycle.shortlist_submitted_at is None
    shortlist.decline(db, official, canteen, "over_budget", "本年度财力不足。")
    db.commit()
    unconfirmed = client.post(f"/official/cycles/{cycle.id}/shortlist", data={"s-submit": "1"})
    assert "请确认您已阅读上述提示" in unconfirmed.text  # 1 candidate for 1 seat warns
    client.post(f"/official/cycles/{cycle.id}/shortlist", data={"s-submit": "1",
                                                                "s-confirm": "y"})
    db.refresh(cycle)
    assert cycle.shortlist_submitted_at is not None

    candidate = db.scalar(select(Candidate))
    no_reason = client.post(f"/official/candidates/{candidate.id}/edit",
                            data={**CANDIDATE, "estimated_cost": "320", "submit": "1"})
    assert no_reason.status_code == 200
    db.refresh(candidate)
    assert candidate.estimated_cost == 3_500_000
    client.post(f"/official/candidates/{candidate.id}/edit", data={
        **CANDIDATE, "estimated_cost": "320", "reason": "招标后造价下调", "submit": "1"})
    db.refresh(candidate)
    assert candidate.estimated_cost == 3_200_000
    amendment = db.scalar(select(ShortlistAmendment))
    assert (amendment.action, amendment.reason) == ("change", "招标后造价下调")
    client.post("/account/logout")
    public = client.get(f"/cycles/{cycle.id}/shortlist").text
    assert "招标后造价下调" in public and "修改候选项目" in public

    advance_cycle(db, cycle, admin, "ballot")
    db.commit()
    with pytest.raises(DomainError, match="ballot_opened"):
        shortlist.update_candidate(db, official, candidate, shortlist.CandidateDraft(
            title="x", description="x", responsible_unit="x", estimated_cost=1,
            funding_source="x", expected_completion=candidate.expected_completion,
            location="x"), reason="r", ballot_opened=True)


def test_internal_notes_never_reach_a_public_page(client, db, login, official, resident,
                                                  cycle, shortlisting):
    lift, *_ = shortlisting
    login(official)
    client.post(f"/official/proposals/{lift.id}/screen",
                data={"n-body": "内部意见：预算可能不足XYZ", "n-submit": "1"})
    assert "内部意见：预算可能不足XYZ" in client.get(f"/official/proposals/{lift.id}/screen").text
    client.post("/account/logout")
    public_pages = [f"/proposals/{lift.id}", "/proposals", f"/cycles/{cycle.id}",
                    f"/cycles/{cycle.id}/shortlist", "/hot-topics",
                    f"/proposals/similar?title={lift.title}", f"/cycles/{cycle.id}/report",
                    *(f"/data/{name}.{fmt}" for name in ("proposals", "candidates", "cycles")
                      for fmt in ("csv", "json")),
                    f"/api/v1/proposals?cycle={cycle.id}", f"/api/v1/cycles/{cycle.id}"]
    for path in public_pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "预算可能不足XYZ" not in response.get_data(as_text=True), path
    login(resident)
    for path in [*public_pages, "/resident/", "/resident/notifications"]:
        assert "预算可能不足XYZ" not in client.get(path).text, path
    assert client.get(f"/official/proposals/{lift.id}/screen").status_code == 403


def test_nothing_happens_outside_the_shortlist_stage_or_for_non_officials(
    client, db, login, official, delegate, resident, cycle, propose
):
    collecting = propose(resident, title="还在征集阶段")
    with pytest.raises(DomainError, match="not_shortlisting"):
        shortlist.decline(db, official, collecting, "other", "理由")
    with pytest.raises(DomainError, match="officials_only"):
        shortlist.decline(db, delegate, collecting, "other", "理由")
    for person in (resident, delegate):
        login(person)
        for path in (f"/official/cycles/{cycle.id}/screening",
                     f"/official/proposals/{collecting.id}/screen",
                     f"/official/cycles/{cycle.id}/shortlist"):
            assert client.get(path).status_code == 403
        client.post("/account/logout")
