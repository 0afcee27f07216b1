"""A resident's own proposal: edited with its history kept, withdrawn with a reason, never
reported by its own author; and every notice links to the item it is about."""

import html
import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from app.migrate import downgrade, upgrade
from proposals.collection import moderation
from proposals.collection import services as collection
from proposals.collection.models import (
    Comment,
    Cosign,
    Notification,
    ProposalVersion,
    Report,
)
from proposals.collection.services import ProposalDraft
from proposals.council import meetings
from proposals.council.topics import raise_topic
from proposals.cycles.services import advance_cycle
from proposals.implementation import services as implementation
from proposals.shortlist import services as shortlist
from tests.functional.builders import community_place, live_in, seat_council
from votes.base import DomainError
from votes.people import Role

EDITED = {"title": "老旧小区加装电梯和无障碍坡道",
          "description": "六层老楼没有电梯，单元门口也没有坡道，轮椅进不去。",
          "category": "housing", "community": "和平社区", "beneficiaries": "300"}


def refused(code, call, *args, **kwargs):
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code


def draft(**changes) -> ProposalDraft:
    values = {**EDITED, "beneficiaries": 300, **changes}
    return ProposalDraft(**values)


def notices(db, user, kind):
    return db.scalars(select(Notification).where(Notification.user_id == user.id,
                                                 Notification.kind == kind)).all()


@pytest.fixture
def supported(db, make_user, resident, propose):
    """The resident's proposal with one co-signer."""
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT, name="邻居")
    collection.cosign(db, neighbour, proposal)
    db.commit()
    return proposal, neighbour


def test_the_author_edits_while_collecting_the_history_is_kept_and_cosigners_are_told(
    client, db, login, resident, official, supported
):
    proposal, neighbour = supported
    login(resident)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert f'href="/resident/proposals/{proposal.id}/edit"' in page
    form = client.get(f"/resident/proposals/{proposal.id}/edit").text
    assert 'value="老旧小区加装电梯"' in form  # the form starts from the current text

    saved = client.post(f"/resident/proposals/{proposal.id}/edit", data=EDITED,
                        follow_redirects=True)
    assert "Your proposal is updated" in saved.text
    assert "老旧小区加装电梯和无障碍坡道" in saved.text
    assert "Earlier versions (1)" in saved.text
    assert "六层老楼没有电梯，老人上下楼困难。" in saved.text
    db.refresh(proposal)
    assert (proposal.title, proposal.beneficiaries) == (EDITED["title"], 300)
    assert proposal.edited_at is not None
    first = db.scalar(select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id))
    assert (first.number, first.title) == (1, "老旧小区加装电梯")
    assert first.description == "六层老楼没有电梯，老人上下楼困难。"
    assert [n.params["title"] for n in notices(db, neighbour, "proposal_edited")] == [
        EDITED["title"]]
    assert notices(db, resident, "proposal_edited") == []
    # The new words are searchable.
    assert "无障碍坡道" in client.get("/proposals", query_string={"q": "坡道"}).text

    # A second edit keeps the first edit's text as version 2.
    client.post(f"/resident/proposals/{proposal.id}/edit",
                data={**EDITED, "title": "加装电梯和坡道"})
    db.refresh(proposal)
    versions = [(v.number, v.title) for v in proposal.versions]
    assert versions == [(1, "老旧小区加装电梯"), (2, EDITED["title"])]
    assert proposal.versions[1].written_at == first.replaced_at
    client.post("/account/logout")

    client.get("/lang/en")
    public = client.get(f"/proposals/{proposal.id}").text
    assert "加装电梯和坡道" in public and 'id="edited-on"' in public and "Edited" in public
    assert "Earlier versions" not in public and "老人上下楼困难" not in public

    login(official)
    seen = client.get(f"/proposals/{proposal.id}").text
    assert "Earlier versions (2)" in seen and "老人上下楼困难" in seen


def test_an_edit_may_move_the_proposal_to_another_community_on_the_list(
        client, db, login, resident, supported):
    proposal, _ = supported
    lake = community_place(db, "湖光社区", "黄河街道")
    db.commit()
    login(resident)
    client.get("/lang/en")
    form = client.get(f"/resident/proposals/{proposal.id}/edit").text
    # A <select> of the list's communities under their streets; no street or district to type.
    assert '<optgroup label="黄河街道"><option value="湖光社区">湖光社区</option></optgroup>' \
        in form
    assert 'name="street"' not in form and 'name="district"' not in form
    assert '<option selected value="和平社区">和平社区</option>' in form
    client.post(f"/resident/proposals/{proposal.id}/edit", data={**EDITED, "community": "湖光社区"})
    db.refresh(proposal)
    assert (proposal.place_id, proposal.district, proposal.street, proposal.community) == (
        lake.id, "测试区", "黄河街道", "湖光社区")
    assert (proposal.versions[0].street, proposal.versions[0].community) == ("长江街道", "和平社区")
    # A community typed past the list is refused by the form, then by the service.
    page = client.post(f"/resident/proposals/{proposal.id}/edit",
                       data={**EDITED, "title": "又改了", "community": "月亮社区"}).text
    assert "Choose one of the options listed" in page
    refused("unknown_community", collection.edit_proposal, db, resident, proposal,
            draft(title="又改了", community="月亮社区"))
    db.refresh(proposal)
    assert proposal.community == "湖光社区" and len(proposal.versions) == 1


def test_an_edit_with_nothing_changed_records_no_version(db, resident, supported):
    proposal, neighbour = supported
    refused("nothing_changed", collection.edit_proposal, db, resident, proposal,
            draft(title=proposal.title, description=proposal.description, beneficiaries=None))
    assert proposal.versions == []


def test_edit_and_withdraw_are_refused_once_collection_closes(
    client, db, login, admin, resident, cycle, supported
):
    proposal, _ = supported
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    login(resident)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "/edit" not in page and "/withdraw" not in page
    answer = client.post(f"/resident/proposals/{proposal.id}/edit", data=EDITED,
                         follow_redirects=True)
    assert "This cycle is not collecting proposals now." in answer.text
    client.post(f"/resident/proposals/{proposal.id}/withdraw", data={"reason": "不要了"})
    db.refresh(proposal)
    assert (proposal.title, proposal.status) == ("老旧小区加装电梯", "submitted")
    refused("not_collecting", collection.edit_proposal, db, resident, proposal, draft())
    refused("not_collecting", collection.withdraw_proposal, db, resident, proposal)


def test_edit_and_withdraw_are_refused_once_screened_or_merged(
    client, db, login, resident, official, propose, supported
):
    proposal, _ = supported
    other = propose(resident, title="楼道照明", description="楼道灯坏了。")
    moderation.merge(db, official, other, proposal, "重复")
    db.commit()
    refused("proposal_screened", collection.edit_proposal, db, resident, other, draft())
    refused("proposal_screened", collection.withdraw_proposal, db, resident, other)
    login(resident)
    client.get("/lang/en")
    answer = client.get(f"/resident/proposals/{other.id}/withdraw", follow_redirects=True)
    assert "can no longer be changed or withdrawn" in answer.text
    db.refresh(other)
    assert other.status == "merged"
    # Screening sets a proposal under review: from then on its words are the officials' to read.
    proposal.status = "under_review"
    db.commit()
    refused("proposal_screened", collection.edit_proposal, db, resident, proposal, draft())


def test_another_resident_cannot_edit_or_withdraw(client, db, login, make_user, resident,
                                                  supported):
    proposal, neighbour = supported
    refused("not_your_proposal", collection.edit_proposal, db, neighbour, proposal, draft())
    refused("not_your_proposal", collection.withdraw_proposal, db, neighbour, proposal)
    login(neighbour)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Edit my proposal" not in page and "Withdraw my proposal" not in page
    for path in ("edit", "withdraw"):
        answer = client.get(f"/resident/proposals/{proposal.id}/{path}", follow_redirects=True)
        assert "Only the resident who wrote this proposal" in answer.text
    client.post(f"/resident/proposals/{proposal.id}/edit", data=EDITED)
    client.post(f"/resident/proposals/{proposal.id}/withdraw", data={"reason": "x"})
    db.refresh(proposal)
    assert (proposal.title, proposal.status) == ("老旧小区加装电梯", "submitted")
    assert proposal.versions == []


def test_a_proposal_entered_for_a_resident_is_not_theirs_to_edit(db, cycle, resident, official):
    entered = collection.submit_proposal(db, official, cycle, ProposalDraft(
        title="12345：路灯不亮", description="来电反映路灯不亮。", category="public_safety",
        community=community_place(db, "和平社区"), channel="hotline",
        proposer_name="王秀英", proposer_id=resident.id))
    refused("not_your_proposal", collection.edit_proposal, db, resident, entered, draft())
    refused("not_your_proposal", collection.withdraw_proposal, db, official, entered)


def test_a_withdrawn_proposal_stays_visible_with_its_reason_and_takes_no_more_support(
    client, db, login, admin, make_user, resident, cycle, supported
):
    proposal, neighbour = supported
    login(resident)
    client.get("/lang/en")
    assert "Withdraw my proposal" in client.get(f"/resident/proposals/{proposal.id}/withdraw").text
    done = client.post(f"/resident/proposals/{proposal.id}/withdraw",
                       data={"reason": "物业已经答应加装"}, follow_redirects=True)
    assert "Your proposal is withdrawn." in done.text
    db.refresh(proposal)
    assert proposal.status == "withdrawn" and proposal.withdrawn_reason == "物业已经答应加装"
    assert len(notices(db, neighbour, "proposal_withdrawn")) == 1
    assert "Edit my proposal" not in done.text
    client.post("/account/logout")

    someone = make_user(Role.RESIDENT, name="路人")
    login(someone)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Withdrawn by its author on" in page and "物业已经答应加装" in page
    assert "老旧小区加装电梯" in page
    assert "Co-sign (附议)" not in page and 'class="comment-form"' not in page
    refusal = client.post(f"/resident/proposals/{proposal.id}/cosign", follow_redirects=True)
    assert "withdrawn by its author; it takes no more co-signs" in refusal.text
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "支持！"})
    assert db.scalar(select(func.count()).select_from(Cosign)
                     .where(Cosign.user_id == someone.id)) == 0
    assert db.scalar(select(func.count()).select_from(Comment)) == 0
    refused("proposal_withdrawn", collection.cosign, db, someone, proposal)
    refused("proposal_withdrawn", collection.add_comment, db, someone, proposal, "支持")
    refused("proposal_withdrawn", collection.edit_proposal, db, resident, proposal, draft())

    # At screening it needs no decision: it does not hold up the shortlist.
    advance_cycle(db, cycle, admin, "shortlist")
    assert shortlist.undecided(db, cycle.id) == 0


def test_a_withdrawal_without_a_reason_says_so_plainly(client, db, login, resident, supported):
    proposal, _ = supported
    login(resident)
    client.get("/lang/en")
    page = client.post(f"/resident/proposals/{proposal.id}/withdraw", data={},
                       follow_redirects=True).text
    assert "Withdrawn by its author on" in page and "Reason:" not in page
    db.refresh(proposal)
    assert proposal.status == "withdrawn" and proposal.withdrawn_reason is None


def test_nobody_is_offered_to_report_their_own_proposal_or_comment(
    client, db, login, make_user, resident, propose
):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT, name="邻居")
    mine = collection.add_comment(db, resident, proposal, "补充：三号楼最急。")
    theirs = collection.add_comment(db, neighbour, proposal, "同意。")
    db.commit()
    report_proposal = 'name="target_type" value="proposal"'

    login(resident)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Report this proposal" not in page and report_proposal not in page
    assert f'id="reason-comment-{mine.id}"' not in page
    assert f'id="reason-comment-{theirs.id}"' in page
    answer = client.post(f"/proposals/{proposal.id}/report", follow_redirects=True, data={
        "target_type": "proposal", "target_id": str(proposal.id), "reason": "测试"})
    assert "You cannot report your own proposal or comment." in answer.text
    client.post(f"/proposals/{proposal.id}/report", data={
        "target_type": "comment", "target_id": str(mine.id), "reason": "测试"})
    assert db.scalar(select(func.count()).select_from(Report)) == 0
    refused("own_content", moderation.report, db, resident, "proposal", proposal.id, "x")
    refused("own_content", moderation.report, db, resident, "comment", mine.id, "x")
    client.post("/account/logout")

    login(neighbour)
    client.get("/lang/en")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "Report this proposal" in page and report_proposal in page
    assert f'id="reason-comment-{theirs.id}"' not in page


NOTICE_LINK = re.compile(r'<li class="[^"]*">.*?<a href="([^"]+)">', re.S)


def notice_links(client) -> list[str]:
    page = client.get("/resident/notifications").text
    body = page.split('<ul class="notifications">', 1)[1].split("</ul>", 1)[0]
    return [html.unescape(link) for link in NOTICE_LINK.findall(body)]


def test_a_notice_of_a_comment_links_to_the_comment(client, db, login, make_user, resident,
                                                    propose):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT, name="邻居")
    comment = collection.add_comment(db, neighbour, proposal, "我家也需要。")
    reply = collection.add_comment(db, resident, proposal, "谢谢支持。", parent=comment)
    db.commit()
    for reader, about in ((resident, comment), (neighbour, reply)):
        login(reader)
        [link] = notice_links(client)
        assert link == f"/proposals/{proposal.id}#comment-{about.id}"
        target = client.get(link.split("#")[0])
        assert target.status_code == 200
        assert "老旧小区加装电梯" in target.text and f'id="comment-{about.id}"' in target.text
        client.post("/account/logout")


def test_a_notice_of_a_project_links_to_the_project(client, db, login, resident, project,
                                                    unit_official):
    implementation.report_progress(db, unit_official, project, reported_on=date(2027, 7, 20),
                                   body="完成设计", today=date(2027, 7, 20))
    db.commit()
    login(resident)
    links = notice_links(client)
    assert f"/projects/{project.id}" in links
    target = client.get(f"/projects/{project.id}")
    assert target.status_code == 200 and project.title in target.text


def test_a_notice_of_a_council_topic_links_to_the_topic(client, db, login, make_user, admin):
    seated = seat_council(db, make_user, admin, seats=3)
    raiser = live_in(db, make_user(Role.RESIDENT, name="反映人"))
    topic = raise_topic(db, raiser, seated.council, title="垃圾桶不够",
                        description="北门没有垃圾桶。", category="environment",
                        today=date(2025, 5, 1))
    meeting = meetings.plan_meeting(db, seated.convenor, seated.council,
                                    held_on=date(2025, 5, 20), place="活动室",
                                    today=date(2025, 5, 2))
    meetings.add_to_agenda(db, seated.members[1], meeting, topic, date(2025, 5, 2))
    db.commit()
    login(raiser)
    [link] = notice_links(client)
    assert link == f"/council-topics/{topic.id}"
    target = client.get(link)
    assert target.status_code == 200 and "垃圾桶不够" in target.text


def test_older_notices_of_comments_are_linked_by_the_migration(tmp_path):
    """Notices written before comments were named in them get the comment they are about."""
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from app.db import make_engine
    from proposals.cycles.services import create_cycle
    from tests.functional.builders import DATES
    from votes.people import Assembly, register_user

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as db:
        people = [register_user(db, username=f"p{i}", display_name=f"人{i}", password_hash="!",
                                roles=(Role.RESIDENT,)) for i in range(3)]
        admin = register_user(db, username="admin", display_name="管理员", password_hash="!",
                              roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="测试区人大", area="测试区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        db.add(assembly)
        db.flush()
        cycle = create_cycle(db, admin, assembly=assembly, title="测试", year=2027, dates=DATES)
        community_place(db, "和平社区")
        proposal = collection.submit_proposal(db, people[0], cycle, draft())
        first = collection.add_comment(db, people[1], proposal, "第一条")
        rude = collection.add_comment(db, people[2], proposal, "骂人的话")
        moderation.hide(db, admin, "comment", rude.id, "不文明")
        db.commit()
        ids = {"first": first.id, "rude": rude.id, "author": people[0].id,
               "troll": people[2].id}
    downgrade(url, "a4c8e2f61b93-1")
    with engine.begin() as conn:  # as the older code wrote them: no comment named
        conn.execute(text("UPDATE notifications SET params = '{\"name\": \"x\"}' "
                          "WHERE kind != 'hidden_comment'"))
        conn.execute(text("UPDATE notifications SET params = '{\"reason\": \"不文明\"}' "
                          "WHERE kind = 'hidden_comment'"))
    upgrade(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, user_id, params FROM notifications "
                                 "ORDER BY id")).all()
    engine.dispose()
    named = [(kind, user, json.loads(params) if isinstance(params, str) else params)
             for kind, user, params in rows]
    # The proposer's notices of each comment, in turn; the troll's of their hidden one.
    assert [params.get("comment") for kind, user, params in named
            if (kind, user) == ("comment", ids["author"])] == [ids["first"], ids["rude"]]
    assert [params for kind, user, params in named if kind == "hidden_comment"] == [
        {"reason": "不文明", "comment": ids["rude"]}]
