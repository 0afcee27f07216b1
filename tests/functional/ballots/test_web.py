"""The ballot through the browser's forms: create, open, vote, review, receipt, count, publish."""

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from proposals.collection.models import Notification, Proposal
from proposals.cycles.services import advance_cycle
from proposals.shortlist import services as shortlist
from proposals.shortlist.models import Candidate
from tests.functional.builders import sealing_tellers, unlock_all
from votes.ballots import Ballot, CastBallot, SealedBallot
from votes.people import Role, add_member

ROOT = Path(__file__).resolve().parents[3]
RULES = {"title": "2027年度民生实事项目票决", "method": "YNA", "threshold_base": "entitled",
         "majority": "simple", "quorum": "1/2", "seats": "2", "budget_cap": ""}


@pytest.fixture
def voting(db, cycle, admin, official, make_user, assembly, propose):
    """A cycle in its ballot stage with three candidates and five delegates seated."""
    delegates = []
    for i in range(5):
        delegate = make_user(Role.DELEGATE, name=f"代表{i + 1}")
        add_member(db, assembly, delegate, admin, joined_on=date(2024, 1, 1))
        delegates.append(delegate)
    proposer = make_user(Role.RESIDENT, name="提议人")
    advance_cycle(db, cycle, admin, "shortlist", check_work=False)  # no proposal yet
    db.commit()
    titles = ["加装电梯", "社区食堂", "口袋公园"]
    candidates = []
    for i, title in enumerate(titles):
        cycle.stage = "collection"  # proposals are made in collection; keep the test short
        proposal = propose(proposer, title=title)
        cycle.stage = "shortlist"
        candidates.append(shortlist.create_candidate(db, official, cycle, shortlist.CandidateDraft(
            title=title, description=f"{title}项目", responsible_unit="区住建委",
            estimated_cost=(i + 1) * 1_000_000, funding_source="区级财政",
            expected_completion=date(2027, 10, 1), location="和平社区"), [proposal.id]))
    shortlist.set_frame(db, official, cycle, budget=5_000_000, seats=2)
    shortlist.submit_shortlist(db, official, cycle)
    advance_cycle(db, cycle, admin, "ballot")
    db.commit()
    return delegates, candidates, proposer


def teller_form(db) -> dict:
    """The opening form's tellers: three, any two of whom open the ballot box."""
    form = {"threshold": "2"}
    for row, (teller, passphrase) in enumerate(sealing_tellers(db), start=1):
        form |= {f"teller-{row}": str(teller.id), f"passphrase-{row}": passphrase,
                 f"repeat-{row}": passphrase}
    return form


def unlock_form(db, ballot_id, count=2) -> dict:
    """Two tellers type their passphrases at closing."""
    return {f"unlock-{teller_id}": passphrase for teller_id, passphrase
            in list(unlock_all(db, db.get(Ballot, ballot_id)).items())[:count]}


def create_and_open(client, db, login, official, cycle, **rules):
    login(official)
    response = client.post(f"/official/cycles/{cycle.id}/ballot/new", data={**RULES, **rules})
    assert response.status_code == 302, response.text
    ballot_id = int(response.headers["Location"].rsplit("/", 1)[1])
    opened = client.post(f"/official/ballots/{ballot_id}/open", data=teller_form(db))
    assert opened.status_code == 302, opened.text
    client.post("/account/logout")
    return ballot_id


def vote(client, login, delegate, ballot, marks):
    login(delegate)
    form = {f"option-{o.id}": mark for o, mark in zip(ballot.options, marks, strict=True)}
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=form)
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data=form)
    client.post("/account/logout")
    return review, cast


def test_a_delegate_votes_reviews_and_gets_a_receipt_and_cannot_vote_twice(
    client, db, login, official, cycle, voting
):
    delegates, candidates, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle)
    ballot = db.get(Ballot, ballot_id)
    assert [o.ref_id for o in ballot.options] == [c.id for c in candidates]
    login(delegates[0])
    desk = client.get("/delegate/").text
    assert "投票中" in desk and f"/delegate/ballots/{ballot_id}" in desk
    page = client.get(f"/delegate/ballots/{ballot_id}").text
    assert "加装电梯" in page and "100 万元" in page and "区住建委" in page
    client.post("/account/logout")
    review, cast = vote(client, login, delegates[0], ballot, ["yes", "no", "abstain"])
    assert "请核对" in review.text and "赞成" in review.text and "反对" in review.text
    assert "您的投票已记录" in cast.text
    tracker = re.search(r'<p class="code" id="receipt">([A-Z0-9-]+)</p>', cast.text).group(1)
    # Sealed until the tellers open the box: one box, the receipt nowhere in the clear.
    assert db.scalar(select(func.count()).select_from(CastBallot)) == 0
    [box] = db.scalars(select(SealedBallot.box))
    assert tracker not in box and tracker.encode().hex() not in box
    _, again = vote(client, login, delegates[0], ballot, ["no", "no", "no"])
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 1
    login(delegates[0])
    assert "您的投票已记录，不能更改" in client.get(f"/delegate/ballots/{ballot_id}").text


def test_while_open_the_public_sees_turnout_only(client, db, login, official, cycle, voting):
    delegates, _, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle)
    ballot = db.get(Ballot, ballot_id)
    vote(client, login, delegates[0], ballot, ["yes", "yes", "yes"])
    page = client.get(f"/ballots/{ballot_id}").text
    assert "已投票：1 / 5" in page
    assert "chart-result" not in page and "赞成票" not in page
    assert client.get(f"/ballots/{ballot_id}/results.csv").status_code == 404
    assert client.get(f"/ballots/{ballot_id}/bulletin.json").status_code == 404


def test_an_over_marked_approval_ballot_is_refused_at_review(client, db, login, official, cycle,
                                                            voting):
    delegates, _, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle, method="Y", max_selections="2")
    ballot = db.get(Ballot, ballot_id)
    login(delegates[0])
    ticks = {"tick": [str(o.id) for o in ballot.options]}
    page = client.post(f"/delegate/ballots/{ballot_id}/review", data=ticks).text
    assert "勾选的候选项目过多：最多 2 个" in page
    assert page.count("checked") == 3  # what was ticked is kept
    assert db.scalar(select(func.count()).select_from(CastBallot)) == 0


def test_counting_publishing_and_verifying(client, db, login, official, cycle, voting, tmp_path):
    delegates, candidates, proposer = voting
    ballot_id = create_and_open(client, db, login, official, cycle)
    ballot = db.get(Ballot, ballot_id)
    marks = [["yes", "yes", "no"], ["yes", "yes", "no"], ["yes", "no", "yes"],
             ["yes", "abstain", "no"]]
    receipts = []
    for delegate, mark in zip(delegates, marks, strict=False):
        _, cast = vote(client, login, delegate, ballot, mark)
        receipts.append(re.search(r'id="receipt">([A-Z0-9-]+)<', cast.text).group(1))
    login(official)
    closed = client.post(f"/official/ballots/{ballot_id}/close", data=unlock_form(db, ballot_id),
                         follow_redirects=True)
    assert "投票已结束并完成计票" in closed.text
    client.post(f"/official/ballots/{ballot_id}/publish", data={"confirm": "y"})
    client.post("/account/logout")

    page = client.get(f"/ballots/{ballot_id}").text
    assert "chart-result" in page and "已公布" in page
    # 5 entitled: 3 yes needed. 加装电梯 4, 社区食堂 2 (fails), 口袋公园 1.
    assert '<td class="num" data-label="通过所需票数">3</td>' in page and "票决通过" in page
    csv_text = client.get(f"/ballots/{ballot_id}/results.csv").data.decode("utf-8-sig")
    assert "加装电梯" in csv_text and ",adopted," in csv_text
    bulletin = client.get(f"/ballots/{ballot_id}/bulletin.json")
    doc = json.loads(bulletin.data)
    assert sorted(b["tracker"] for b in doc["ballots"]) == sorted(receipts)
    path = tmp_path / "bulletin.json"
    path.write_bytes(bulletin.data)
    checked = subprocess.run([sys.executable, str(ROOT / "scripts" / "verify_bulletin.py"),
                              str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    found = client.get(f"/ballots/{ballot_id}", query_string={"tracker": receipts[2].lower()})
    assert "在公告中找到" in found.text
    missing = client.get(f"/ballots/{ballot_id}", query_string={"tracker": "AAAA-AAAA-AA"})
    assert "公告中没有这个回执码" in missing.text

    lift = db.scalar(select(Proposal).where(Proposal.title == "加装电梯"))
    canteen = db.scalar(select(Proposal).where(Proposal.title == "社区食堂"))
    assert (lift.status, canteen.status) == ("adopted", "accepted")
    told = db.scalar(select(Notification).where(Notification.user_id == proposer.id,
                                                Notification.proposal_id == lift.id,
                                                Notification.params["status"].as_string()
                                                == "adopted"))
    assert told is not None
    assert db.scalar(select(Candidate.title).where(Candidate.id == candidates[0].id))


def test_roll_call_publishes_names_and_secret_does_not(client, db, login, official, cycle,
                                                       voting):
    delegates, _, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle, roll_call="y")
    ballot = db.get(Ballot, ballot_id)
    vote(client, login, delegates[1], ballot, ["yes", "no", "no"])
    login(official)
    client.post(f"/official/ballots/{ballot_id}/close", data={"confirm": "y"})
    client.post("/account/logout")
    page = client.get(f"/ballots/{ballot_id}").text
    assert "记名投票" in page and "代表2" in page and "加装电梯：赞成" in page


def test_paper_totals_are_checked_and_kept_when_wrong(client, db, login, official, cycle,
                                                      voting):
    ballot_id = create_and_open(client, db, login, official, cycle)
    ballot = db.get(Ballot, ballot_id)
    login(official)
    data = {"ballots_cast": "5", "present": "5"}
    for option in ballot.options:
        data.update({f"yes-{option.id}": "4", f"no-{option.id}": "1", f"abstain-{option.id}": "0"})
    wrong = dict(data, ballots_cast="9")
    refused = client.post(f"/official/ballots/{ballot_id}/paper", data=wrong)
    assert refused.status_code == 200 and 'value="9"' in refused.text
    assert "投票数超过有投票权的人数" in refused.text
    client.post(f"/official/ballots/{ballot_id}/paper", data=data)
    db.refresh(ballot)
    assert (ballot.status, ballot.mode, ballot.ballots_cast) == ("closed", "paper", 5)


def test_check_in_with_the_hall_code(client, db, login, official, cycle, voting):
    delegates, _, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle, threshold_base="present")
    ballot = db.get(Ballot, ballot_id)
    login(delegates[0])
    assert "投票前必须先签到" in client.get(f"/delegate/ballots/{ballot_id}").text
    wrong = client.post(f"/delegate/ballots/{ballot_id}/check-in", data={"code": "WRONG1"},
                        follow_redirects=True)
    assert "签到码不正确" in wrong.text
    client.post(f"/delegate/ballots/{ballot_id}/check-in", data={"code": ballot.check_in_code})
    page = client.get(f"/delegate/ballots/{ballot_id}").text
    assert "核对我的选票" in page


def test_people_off_the_roster_and_other_roles_cannot_vote(client, db, login, official,
                                                          resident, make_user, cycle, voting):
    ballot_id = create_and_open(client, db, login, official, cycle)
    login(resident)
    assert client.get(f"/delegate/ballots/{ballot_id}").status_code == 403
    client.post("/account/logout")
    outsider = make_user(Role.DELEGATE, name="外区代表")
    login(outsider)
    assert "不在本次投票的名单上" in client.get(f"/delegate/ballots/{ballot_id}").text
    ballot = db.get(Ballot, ballot_id)
    form = {f"option-{o.id}": "yes" for o in ballot.options}
    client.post(f"/delegate/ballots/{ballot_id}/cast", data=form)
    assert db.scalar(select(func.count()).select_from(CastBallot)) == 0


def test_opening_names_the_tellers_and_a_mistyped_passphrase_keeps_what_was_chosen(
    client, db, login, official, cycle, voting
):
    login(official)
    response = client.post(f"/official/cycles/{cycle.id}/ballot/new", data=RULES)
    ballot_id = int(response.headers["Location"].rsplit("/", 1)[1])
    desk = client.get(f"/official/ballots/{ballot_id}").text
    assert "监票人：密封票箱" in desk and 'name="passphrase-1"' in desk
    refused = client.post(f"/official/ballots/{ballot_id}/open", data={})
    assert refused.status_code == 422 and "请指定监票人" in refused.text
    form = teller_form(db) | {"repeat-2": "not the same passphrase"}
    refused = client.post(f"/official/ballots/{ballot_id}/open", data=form)
    assert refused.status_code == 422
    assert "第 2 行：两次输入的口令不一致" in refused.text
    first = sealing_tellers(db)[0][0]
    assert f'<option value="{first.id}" selected>' in refused.text  # the choice is kept
    assert "not the same passphrase" not in refused.text  # a passphrase is never shown back
    assert refused.headers["Cache-Control"] == "no-store"
    short = teller_form(db) | {"passphrase-3": "short", "repeat-3": "short"}
    refused = client.post(f"/official/ballots/{ballot_id}/open", data=short)
    assert refused.status_code == 422 and "口令太短" in refused.text
    assert db.get(Ballot, ballot_id).status == "draft"
    opened = client.post(f"/official/ballots/{ballot_id}/open", data=teller_form(db),
                         follow_redirects=True)
    assert "票箱已为监票人密封" in opened.text
    db.expire_all()
    assert db.get(Ballot, ballot_id).status == "open"


def test_the_ballot_box_opens_only_with_enough_right_passphrases(
    client, db, login, official, cycle, voting
):
    delegates, _, _ = voting
    ballot_id = create_and_open(client, db, login, official, cycle)
    ballot = db.get(Ballot, ballot_id)
    review, cast = vote(client, login, delegates[0], ballot, ["yes", "no", "abstain"])
    assert review.headers["Cache-Control"] == cast.headers["Cache-Control"] == "no-store"
    login(official)
    desk = client.get(f"/official/ballots/{ballot_id}").text
    assert "监票人开启票箱" in desk and "任意 2 位" in desk
    [(first, second)] = [list(unlock_form(db, ballot_id).items())]
    one = client.post(f"/official/ballots/{ballot_id}/close", data=dict([first]))
    assert one.status_code == 422 and "需要 2 位监票人输入口令" in one.text
    wrong = client.post(f"/official/ballots/{ballot_id}/close",
                        data={first[0]: first[1], second[0]: "a wrong passphrase!"})
    assert wrong.status_code == 422 and "的口令打不开其所持的密钥份额" in wrong.text
    assert db.get(Ballot, ballot_id).status == "open"
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 1
    closed = client.post(f"/official/ballots/{ballot_id}/close", data=dict([first, second]),
                         follow_redirects=True)
    assert "监票人已开启票箱" in closed.text
    db.expire_all()
    assert db.get(Ballot, ballot_id).status == "closed"
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 0
    assert db.scalar(select(func.count()).select_from(CastBallot)) == 1
