"""Reporting, hiding with a reason that the author sees, logging, and merging duplicates."""

from sqlalchemy import select

from proposals.collection.models import Comment, Cosign, ModerationLog, Notification, Report
from proposals.collection.services import add_comment, cosign, follow
from votes.people import Role


def test_a_reported_comment_is_hidden_with_a_reason_kept_and_logged(
    client, db, login, make_user, resident, official, propose
):
    proposal = propose(resident)
    troll = make_user(Role.RESIDENT, name="捣乱者")
    rude = add_comment(db, troll, proposal, "一派胡言，全是骗子！")
    db.commit()
    login(resident)
    client.post(f"/proposals/{proposal.id}/report",
                data={"target_type": "comment", "target_id": str(rude.id), "reason": "人身攻击"})
    assert db.scalar(select(Report)).reason == "人身攻击"
    client.post("/account/logout")

    login(official)
    queue = client.get("/official/moderation").text
    assert "人身攻击" in queue and "一派胡言" in queue
    no_reason = client.post("/official/moderation/hide",
                            data={"target_type": "comment", "target_id": str(rude.id)})
    assert no_reason.status_code == 302
    db.refresh(rude)
    assert not rude.hidden
    client.post("/official/moderation/hide", data={
        "target_type": "comment", "target_id": str(rude.id), "reason": "违反文明用语规定"})
    db.refresh(rude)
    assert rude.hidden and rude.hidden_reason == "违反文明用语规定"
    assert db.get(Comment, rude.id) is not None  # kept, never deleted
    entry = db.scalar(select(ModerationLog))
    assert (entry.action, entry.actor_id, entry.reason) == ("hide", official.id,
                                                            "违反文明用语规定")
    assert db.scalar(select(Report)).resolution == "hidden"
    client.post("/account/logout")

    public = client.get(f"/proposals/{proposal.id}").text
    assert "一派胡言" not in public and "该评论已被管理员隐藏" in public
    login(troll)
    own = client.get(f"/proposals/{proposal.id}").text
    assert "违反文明用语规定" in own and "一派胡言" in own
    notice = db.scalar(select(Notification).where(Notification.user_id == troll.id))
    assert notice.kind == "hidden_comment"


def test_a_hidden_proposal_is_gone_from_lists_but_its_author_sees_why(
    client, db, login, resident, official, propose
):
    proposal = propose(resident, title="广告：低价装修")
    login(official)
    client.post("/official/moderation/hide", data={
        "target_type": "proposal", "target_id": str(proposal.id), "reason": "商业广告"})
    client.post("/account/logout")
    assert "广告：低价装修" not in client.get("/proposals").text
    assert "广告：低价装修" not in client.get(f"/proposals/{proposal.id}").text
    login(resident)
    assert "商业广告" in client.get("/resident/").text
    assert "商业广告" in client.get(f"/proposals/{proposal.id}").text


def test_only_officials_moderate(client, db, login, resident, delegate, propose):
    proposal = propose(resident)
    for person in (resident, delegate):
        login(person)
        response = client.post("/official/moderation/hide", data={
            "target_type": "proposal", "target_id": str(proposal.id), "reason": "x"})
        assert response.status_code == 403
        client.post("/account/logout")
    db.refresh(proposal)
    assert not proposal.hidden


def test_merging_carries_cosigns_and_followers_without_double_counting(
    client, db, login, make_user, resident, official, propose
):
    target = propose(resident, title="老旧小区加装电梯")
    other = make_user(Role.RESIDENT, name="另一位居民")
    duplicate = propose(other, title="为老旧小区加装电梯的建议")
    both, only_dup, only_target = (make_user(Role.RESIDENT) for _ in range(3))
    for person in (both, only_target):
        cosign(db, person, target)
    for person in (both, only_dup, resident):  # the target's own proposer co-signed the duplicate
        cosign(db, person, duplicate)
    watcher = make_user(Role.RESIDENT)
    follow(db, watcher, duplicate)
    db.commit()

    login(official)
    page = client.get(f"/official/proposals/{duplicate.id}/merge").text
    assert "老旧小区加装电梯" in page  # suggested as the likely original
    client.post(f"/official/proposals/{duplicate.id}/merge",
                data={"target_id": str(target.id), "reason": "内容重复"})
    db.refresh(target)
    db.refresh(duplicate)
    supporters = set(db.scalars(select(Cosign.user_id).where(Cosign.proposal_id == target.id)))
    # both, only_target, only_dup, and the duplicate's proposer; never the target's proposer
    assert supporters == {both.id, only_target.id, only_dup.id, other.id}
    assert target.cosign_count == 4
    assert duplicate.status == "merged" and duplicate.merged_into_id == target.id
    assert "已合并" in client.get(f"/proposals/{duplicate.id}").text
    told = {n.user_id for n in db.scalars(select(Notification).where(
        Notification.kind == "status", Notification.proposal_id == duplicate.id))}
    assert {other.id, watcher.id} <= told
    assert db.scalar(select(ModerationLog.action)) == "merge"
