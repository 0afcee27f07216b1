"""Co-signing, following, threaded discussion and the notices proposers receive."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from proposals.collection.models import Comment, Cosign, Follow, Notification
from proposals.collection.services import cosign
from proposals.cycles.services import advance_cycle
from votes.base import DomainError
from votes.people import Role


def cosigns(db, proposal):
    return db.scalar(select(func.count()).select_from(Cosign)
                     .where(Cosign.proposal_id == proposal.id))


def test_a_resident_cosigns_once_and_can_withdraw(client, db, login, make_user, resident,
                                                  propose):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT, name="邻居")
    login(neighbour)
    client.post(f"/resident/proposals/{proposal.id}/cosign")
    again = client.post(f"/resident/proposals/{proposal.id}/cosign", follow_redirects=True)
    assert "您已附议过该建议" in again.text
    db.refresh(proposal)
    assert cosigns(db, proposal) == proposal.cosign_count == 1
    assert '<dd id="cosign-count">1</dd>' in client.get(f"/proposals/{proposal.id}").text
    client.post(f"/resident/proposals/{proposal.id}/cosign", data={"withdraw": "1"})
    db.refresh(proposal)
    assert cosigns(db, proposal) == proposal.cosign_count == 0


def test_the_database_itself_refuses_a_second_cosign(db, resident, make_user, propose):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT)
    db.add(Cosign(proposal_id=proposal.id, user_id=neighbour.id))
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Cosign(proposal_id=proposal.id, user_id=neighbour.id))
        db.flush()


def test_nobody_cosigns_their_own_proposal_and_officials_do_not_cosign(
    db, resident, official, propose
):
    proposal = propose(resident)
    with pytest.raises(DomainError, match="own_proposal"):
        cosign(db, resident, proposal)
    with pytest.raises(DomainError, match="residents_only"):
        cosign(db, official, proposal)


def test_cosigning_and_withdrawing_stop_when_collection_ends(client, db, login, make_user,
                                                             resident, propose, cycle, admin):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT)
    cosign(db, neighbour, proposal)
    db.commit()
    advance_cycle(db, cycle, admin, "shortlist")
    db.commit()
    login(neighbour)
    page = client.post(f"/resident/proposals/{proposal.id}/cosign", data={"withdraw": "1"},
                       follow_redirects=True).text
    assert "当前不在项目征集阶段" in page
    assert cosigns(db, proposal) == 1


def test_threaded_comments_mark_delegates_and_officials_and_notify(
    client, db, login, make_user, resident, official, delegate, propose
):
    proposal = propose(resident)
    neighbour = make_user(Role.RESIDENT, name="楼上邻居")
    login(neighbour)
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "我也支持！"})
    first = db.scalar(select(Comment))
    client.post("/account/logout")
    login(official)
    client.post(f"/proposals/{proposal.id}/comments",
                data={"body": "已转住建委评估。", "parent_id": str(first.id)})
    client.post("/account/logout")
    login(delegate)
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "会在票决时关注。"})
    reply = db.scalar(select(Comment).where(Comment.parent_id == first.id))
    assert reply.author_role == "official"
    page = client.get(f"/proposals/{proposal.id}").text
    assert page.index("我也支持！") < page.index("已转住建委评估。")
    assert 'class="comment by-official"' in page and 'class="comment by-delegate"' in page
    assert "讨论（3）" in page
    notices = {(n.user_id, n.kind) for n in db.scalars(select(Notification))}
    assert (neighbour.id, "reply") in notices  # the official replied to the neighbour
    assert (resident.id, "comment") in notices  # the proposer hears of new comments
    client.post("/account/logout")
    login(resident)
    assert "楼上邻居 评论了您的建议。" in client.get("/resident/notifications").text
    assert '<span class="count-badge"' in client.get("/").text
    client.post("/resident/notifications")
    assert '<span class="count-badge"' not in client.get("/").text


def test_an_empty_or_too_long_comment_is_refused(client, db, login, resident, propose):
    proposal = propose(resident)
    login(resident)
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "   "})
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "长" * 1001})
    assert db.scalar(select(func.count(Comment.id))) == 0


def test_comment_markup_is_escaped(client, db, login, resident, propose):
    proposal = propose(resident)
    login(resident)
    client.post(f"/proposals/{proposal.id}/comments",
                data={"body": "<script>steal()</script>"})
    page = client.get(f"/proposals/{proposal.id}").text
    assert "<script>steal()" not in page and "&lt;script&gt;steal()" in page


def test_following_and_unfollowing(client, db, login, make_user, resident, propose):
    proposal = propose(resident)
    reader = make_user(Role.RESIDENT)
    login(reader)
    client.post(f"/proposals/{proposal.id}/follow")
    assert db.get(Follow, (proposal.id, reader.id)) is not None
    assert "取消关注" in client.get(f"/proposals/{proposal.id}").text
    client.post(f"/proposals/{proposal.id}/follow", data={"stop": "1"})
    assert db.get(Follow, (proposal.id, reader.id)) is None


def test_the_public_reads_but_must_sign_in_to_act(client, resident, propose):
    proposal = propose(resident)
    page = client.get(f"/proposals/{proposal.id}")
    assert page.status_code == 200 and "登录后可附议或评论" in page.text
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "匿名"})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
