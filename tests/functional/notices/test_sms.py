"""SMS notices: the HTTP gateway adapter against a gateway on loopback speaking the documented
JSON API (docs/notices.md), and a notice sent through it by the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.notices.delivery import deliver_due
from app.notices.mail import DeliveryError
from app.notices.sms import HttpSmsGateway
from proposals.collection.services import notify
from proposals.notices.models import NoticeDelivery
from proposals.notices.services import choose_channels


def test_the_adapter_posts_the_documented_json_with_its_token(gateway):
    sms = HttpSmsGateway(gateway.url, token=gateway.token)
    sms.send("+8613800138000", "【议事】您关注的建议有了新评论。", "k-1")

    (request,) = gateway.requests
    assert request["body"] == {"to": "+8613800138000", "text": "【议事】您关注的建议有了新评论。",
                               "id": "k-1"}
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["headers"]["Idempotency-Key"] == "k-1"
    assert gateway.taken == {"k-1": request["body"]}


def test_a_repeat_of_a_taken_id_counts_as_sent_and_is_not_sent_twice(gateway):
    sms = HttpSmsGateway(gateway.url, token=gateway.token)
    sms.send("13800138000", "一", "same")
    sms.send("13800138000", "一", "same")  # 409 from the gateway: taken before
    assert len(gateway.requests) == 2 and list(gateway.taken) == ["same"]


@pytest.mark.parametrize(("status", "permanent"), [(500, False), (503, False), (429, False),
                                                   (400, True), (422, True)])
def test_the_gateway_saying_no_is_retried_or_final_by_its_status(gateway, status, permanent):
    gateway.answers = [status]
    with pytest.raises(DeliveryError) as refused:
        HttpSmsGateway(gateway.url, token=gateway.token).send("13800138000", "一", "k")
    assert refused.value.permanent is permanent and str(status) in str(refused.value)


def test_a_wrong_token_is_refused_for_good(gateway):
    with pytest.raises(DeliveryError) as refused:
        HttpSmsGateway(gateway.url, token="wrong").send("13800138000", "一", "k")
    assert refused.value.permanent and "401" in str(refused.value)


def test_an_unreachable_gateway_is_tried_again():
    with pytest.raises(DeliveryError) as refused:
        HttpSmsGateway("http://127.0.0.1:9/v1/messages", timeout=2).send("1", "一", "k")
    assert not refused.value.permanent


def test_a_notice_goes_by_sms_to_who_chose_it_in_their_language_with_its_link(
        db, mailing, gateway, inbox, person, propose):
    texted = person(locale="en", mobile="+8613800138000", email=None)
    choose_channels(db, texted, email="off", sms="each")
    untexted = person(mobile="13900139000")  # has a number, but SMS is off by default
    db.commit()
    proposal = propose(untexted)
    notify(db, [texted.id, untexted.id], "comment", proposal, name="王芳")
    db.commit()

    assert deliver_due(mailing).sent == 2  # the SMS, and the other person's email
    (taken,) = gateway.taken.values()
    row = db.scalar(select(NoticeDelivery).where(NoticeDelivery.user_id == texted.id))
    assert row.channel == "sms" and row.status == "sent" and taken["id"] == row.key
    assert taken["to"] == "+8613800138000"
    assert "王芳 commented on your proposal." in taken["text"]
    assert f"https://yishi.example.org/proposals/{proposal.id}" in taken["text"]
    assert [str(m["To"]) for m in inbox.messages] == [untexted.email]
