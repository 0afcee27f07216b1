"""The whole loop over HTTP: raise → dispatch → sign → reply → unsatisfied → reopened, 督办."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from proposals.requests.clock import end_of, local
from proposals.requests.models import Escalation, Request, RequestRating
from tests.functional.requests.samples import MOMENT, raise_one


def test_a_request_goes_round_the_loop_and_an_unsatisfied_rating_reopens_it(
        app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    resident = as_user(desk.requester)
    form = resident.get("/resident/requests/new")
    assert form.status_code == 200 and "Raise a request" in form.text
    raised = resident.post("/resident/requests/new", data={
        "title": "3号门路灯不亮", "description": "晚上路过很危险，已经一周了。",
        "category": "public_safety", "community": "和平社区", "urgency": "normal"})
    assert raised.status_code == 302
    item = db.scalars(select(Request)).one()
    assert item.number == "2026-000001" and raised.headers["Location"].endswith(item.number)
    mine = resident.get("/resident/requests").text
    assert "3号门路灯不亮" in mine and "2026-000001" in mine

    app.config["NOW"] = MOMENT + timedelta(minutes=30)
    dispatcher = as_user(desk.dispatcher)
    assert "3号门路灯不亮" in dispatcher.get("/official/requests/dispatch").text
    unit = desk.units["housing"]
    sent = dispatcher.post(f"/official/requests/{item.id}/dispatch", data={
        f"r{item.id}-expected": "raised", f"r{item.id}-unit_id": unit.id,
        f"r{item.id}-note": "请尽快修复"}, follow_redirects=True)
    assert "Request 2026-000001 is sent to 区住建委." in sent.text
    db.refresh(item)
    assert item.status == "dispatched" and item.unit_id == unit.id
    # Dispatched on Sep 29 at 10:30: sign within 24 hours; answer within 5 working days, and
    # the holidays of Oct 1-7 are skipped (Sep 30, Oct 8, 9, 10 — a make-up Saturday — 12).
    assert local(item.sign_due_at) == MOMENT + timedelta(hours=24, minutes=30)
    assert local(item.resolve_due_at) == end_of(date(2026, 10, 12))
    assert "Sign for by Sep 30, 2026" in resident.get(f"/requests/{item.number}").text

    app.config["NOW"] = MOMENT + timedelta(hours=2)
    unit_client = as_user(desk.housing)
    queue = unit_client.get("/official/requests/queue").text
    assert "3号门路灯不亮" in queue and "区住建委" in queue
    assert unit_client.post(f"/official/requests/{item.id}/sign",
                            data={"sign-expected": "dispatched"}).status_code == 302
    assert "Answer by Oct 12, 2026" in unit_client.get("/official/requests/queue").text
    told = unit_client.get("/resident/notifications").text
    assert "Request 2026-000001 “3号门路灯不亮” is dispatched to your unit" in told
    assert "answer it by Oct 12, 2026." in told
    assert "is signed for; the answer is due by Oct 12, 2026." in \
        resident.get("/resident/notifications").text
    replied = unit_client.post(f"/official/requests/{item.id}/reply", data={
        "reply-expected": "signed", "reply-text": "已更换灯泡，恢复照明。"})
    assert replied.status_code == 302
    db.refresh(item)
    assert item.status == "replied"

    page = resident.get(f"/requests/{item.number}").text
    assert 'id="rate"' in page and "已更换灯泡" in page
    assert "has a reply. Please rate how it was handled." in \
        resident.get("/resident/notifications").text
    app.config["NOW"] = MOMENT + timedelta(days=1)
    rated = resident.post(f"/resident/requests/{item.id}/rate",
                          data={"rating": "unsatisfied", "comment": "第二天又不亮了"})
    assert rated.status_code == 302
    db.refresh(item)
    assert item.status == "reopened" and item.round == 1 and item.supervised
    escalation = db.scalars(select(Escalation)).one()
    assert escalation.ground == "unsatisfied" and escalation.resolved_at is None

    assert "was rated unsatisfied: it is reopened under supervision" in \
        unit_client.get("/resident/notifications").text
    supervision = dispatcher.get("/official/requests/supervision").text
    assert "3号门路灯不亮" in supervision and "The requester was unsatisfied" in supervision
    history = as_user(desk.neighbour).get(f"/requests/{item.number}").text
    for step in ("Received", "Dispatched to a unit", "Signed for", "Replied", "Unsatisfied",
                 "Reopened", "Put under supervision", "The responsible unit"):
        assert step in history, step
    # The requester is never named on the public page, to anyone.
    assert "提出人甲" not in history and desk.requester.username not in history
    assert "提出人甲" not in app.test_client().get(f"/requests/{item.number}").text


def test_the_wrong_unit_gets_403_and_nothing_changes(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    item = raise_one(db, desk.requester)
    dispatcher = as_user(desk.dispatcher)
    dispatcher.post(f"/official/requests/{item.id}/dispatch", data={
        f"r{item.id}-expected": "raised", f"r{item.id}-unit_id": desk.units["housing"].id})
    other = as_user(desk.street)
    assert other.post(f"/official/requests/{item.id}/sign",
                      data={"sign-expected": "dispatched"}).status_code == 403
    page = other.get(f"/official/requests/{item.id}").text
    assert "Only the official of 区住建委 can sign for" in page
    assert "Sign for the request" not in page
    db.refresh(item)
    assert item.status == "dispatched" and item.signed_at is None


def test_rating_twice_and_rating_someone_elses_are_refused(app, db, desk, as_user):
    from proposals.requests import services

    app.config["NOW"] = MOMENT
    item = raise_one(db, desk.requester)
    services.dispatch(db, desk.dispatcher, item, desk.units["street"], note="", now=MOMENT)
    services.sign(db, desk.street, item, now=MOMENT + timedelta(hours=1))
    services.reply(db, desk.street, item, text="已联系物业处理。", now=MOMENT + timedelta(hours=3))
    db.commit()
    neighbour = as_user(desk.neighbour)
    assert neighbour.post(f"/resident/requests/{item.id}/rate",
                          data={"rating": "satisfied"}).status_code == 403
    assert 'id="rate"' not in neighbour.get(f"/requests/{item.number}").text
    resident = as_user(desk.requester)
    first = resident.post(f"/resident/requests/{item.id}/rate", data={"rating": "satisfied"},
                          follow_redirects=True)
    assert first.status_code == 200
    again = resident.post(f"/resident/requests/{item.id}/rate",
                          data={"rating": "unsatisfied"}, follow_redirects=True)
    assert "You have rated this reply already." in again.text
    assert [r.rating for r in db.scalars(select(RequestRating))] == ["satisfied"]
    db.refresh(item)
    assert item.status == "closed"
