"""Duplicates over HTTP: a request merged into the open one about the same thing, its requester
told and rating the main request, the refusals, the three rates after merges, who may merge."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import upgrade
from proposals.collection.models import Notification
from proposals.requests import merging, queries, rates, services
from proposals.requests.clock import TZ, local
from proposals.requests.models import (
    CoRequester,
    Escalation,
    Pause,
    Request,
    RequestEvent,
    RequestRating,
    Round,
)
from tests.conftest import csrf_token
from tests.functional.requests.samples import MOMENT, PLACES, raise_one
from votes.audit import AuditEntry
from votes.base import DomainError
from votes.casting import begin_write
from votes.people import Role, User, register_user
from votes.places import add_places


def _merge(client, duplicate, number, expected=None):
    return client.post(f"/official/requests/{duplicate.id}/merge", data={
        "expected": expected or duplicate.status, "number": number})


def _notices(db, user) -> list[str]:
    return list(db.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                           .order_by(Notification.id)))


def test_a_merge_moves_the_requester_over_tells_them_and_lets_them_rate(
        app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    main = raise_one(db, desk.requester, title="3号门路灯不亮")
    duplicate = raise_one(db, desk.neighbour, title="小区门口路灯坏了",
                          now=MOMENT + timedelta(hours=1))
    # The duplicate was with a unit already: answered, rated unsatisfied, so reopened under
    # supervision, and its clock stopped while the unit waits for its requester.
    street, later = desk.units["street"], MOMENT + timedelta(hours=2)
    services.dispatch(db, desk.dispatcher, duplicate, street, note="", now=later)
    services.sign(db, desk.street, duplicate, now=later)
    services.reply(db, desk.street, duplicate, text="已报修", now=later)
    services.rate(db, desk.neighbour, duplicate, rating="unsatisfied", comment="", now=later)
    services.pause(db, desk.street, duplicate, reason="等居民在家", now=later)
    db.commit()
    assert duplicate.supervised
    app.config["NOW"] = MOMENT + timedelta(hours=32)
    dispatcher = as_user(desk.dispatcher)
    page = dispatcher.get(f"/official/requests/{duplicate.id}/merge").text
    assert "Likely duplicates" in page and "3号门路灯不亮" in page
    assert f"Merge {duplicate.number} into {main.number}" in page

    merged = _merge(dispatcher, duplicate, main.number)
    assert merged.status_code == 302
    assert merged.headers["Location"].endswith(f"/official/requests/{main.id}")
    db.refresh(duplicate)
    assert (duplicate.status, duplicate.merged_into_id) == ("merged", main.id)
    assert local(duplicate.closed_at) == MOMENT + timedelta(hours=32)
    # Its clock stopped for good and its 督办 ended: no unit answers a merged request.
    assert db.scalars(select(Pause.ended_at).where(Pause.request_id == duplicate.id)).one()
    assert not duplicate.supervised
    assert db.scalar(select(func.count()).select_from(Escalation).where(
        Escalation.request_id == duplicate.id, Escalation.resolved_at.is_(None))) == 0
    assert duplicate.number not in as_user(desk.street).get("/official/requests/queue").text
    co = db.scalars(select(CoRequester)).one()
    assert (co.request_id, co.user_id, co.merged_from_id) == (
        main.id, desk.neighbour.id, duplicate.id)

    neighbour = as_user(desk.neighbour)
    told = neighbour.get("/resident/notifications").text
    assert f"Your request {duplicate.number} is about the same thing as request " \
        f"{main.number} “3号门路灯不亮” and was merged into it" in told
    assert f'href="/requests/{main.number}"' in told
    assert "needs no answer of its own" in as_user(desk.street).get(
        "/resident/notifications").text

    public = app.test_client()
    public.get("/lang/en")
    gone = public.get(f"/requests/{duplicate.number}").text
    assert "Merged" in gone and "was merged into it; it is followed there" in gone
    assert f'href="/requests/{main.number}">request {main.number}</a>' in gone
    assert f"Merged into request {main.number}</a>" in gone  # the history, with its link
    shown = public.get(f"/requests/{main.number}").text
    assert "Merged into it" in shown and "1 request about the same thing" in shown
    assert f'href="/requests/{duplicate.number}"' in shown
    assert f"Request {duplicate.number} merged into this one" in shown
    for page_text in (gone, shown):  # the requesters are never named in public
        assert "邻居乙" not in page_text and "提出人甲" not in page_text
    assert "Followed in request" in neighbour.get("/resident/requests").text
    assert "邻居乙" in dispatcher.get(f"/official/requests/{main.id}").text  # officials see

    # The main request's reply and closing are told to the co-requester, who rates it once.
    housing = desk.units["housing"]
    services.dispatch(db, desk.dispatcher, main, housing, note="", now=MOMENT + timedelta(hours=33))
    services.sign(db, desk.housing, main, now=MOMENT + timedelta(hours=34))
    db.commit()
    unit = as_user(desk.housing)
    unit.post(f"/official/requests/{main.id}/reply",
              data={"reply-expected": "signed", "reply-text": "已更换路灯。"})
    assert "request_replied_co" in _notices(db, desk.neighbour)
    assert f"into which your request {duplicate.number} was merged, has a reply" in \
        neighbour.get("/resident/notifications").text
    form = neighbour.get(f"/requests/{main.number}").text
    assert f"your request {duplicate.number} was merged into this one" in form
    assert f'action="/resident/requests/{main.id}/co-rate"' in form
    rated = neighbour.post(f"/resident/requests/{main.id}/co-rate",
                           data={"rating": "basically_satisfied", "comment": "还行"},
                           follow_redirects=True)
    assert "Your rating counts in the unit’s satisfaction rate." in rated.text
    db.refresh(co)
    assert (co.rating, co.rated_unit_id, co.rated_round) == (
        "basically_satisfied", housing.id, 0)
    again = neighbour.post(f"/resident/requests/{main.id}/co-rate",
                           data={"rating": "unsatisfied"}, follow_redirects=True)
    assert "You have rated this reply already." in again.text
    db.refresh(main)
    assert main.status == "replied"  # a co-requester's rating neither closes nor reopens it
    as_user(desk.requester).post(f"/resident/requests/{main.id}/rate",
                                 data={"rating": "satisfied"})
    db.refresh(main)
    assert main.status == "closed"
    assert _notices(db, desk.neighbour)[-1] == "request_closed_co"
    assert "You rated it: Basically satisfied." in neighbour.get(f"/requests/{main.number}").text
    # Only a co-requester rates there: the requester (a rating of their own) and others not.
    assert as_user(desk.admin).post(f"/resident/requests/{main.id}/co-rate",
                                    data={"rating": "satisfied"}).status_code == 403


def test_the_likely_duplicates_are_open_recent_and_of_the_same_community_and_category(
        app, db, desk, as_user):
    item = raise_one(db, desk.requester, title="本诉求")
    same = raise_one(db, desk.neighbour, title="同类同社区", now=MOMENT + timedelta(days=2))
    raise_one(db, desk.neighbour, title="别的类别", category="environment")
    raise_one(db, desk.neighbour, title="别的社区", community="幸福社区")
    raise_one(db, desk.neighbour, title="太早了", now=MOMENT - timedelta(days=40))
    closed = raise_one(db, desk.neighbour, title="已经合并")
    services.dispatch(db, desk.dispatcher, closed, desk.units["housing"], note="", now=MOMENT)
    db.commit()
    merging.merge(db, desk.dispatcher, closed, same, now=MOMENT)
    db.commit()
    app.config["NOW"] = MOMENT + timedelta(days=3)
    page = as_user(desk.dispatcher).get(f"/official/requests/{item.id}/merge").text
    likely = page.split("Likely duplicates")[1].split("Or type its number")[0]
    assert "同类同社区" in likely
    for title in ("别的类别", "别的社区", "太早了", "已经合并", "本诉求</a>"):
        assert title not in likely
    # A number is found however it is typed: short, or in full-width digits.
    assert same.number == "2026-000002"
    assert _merge(as_user(desk.dispatcher), item, "２０２６－２").status_code == 302
    db.refresh(item)
    assert item.merged_into_id == same.id


def test_every_refusal_is_said_plainly_and_writes_nothing(app, db, desk, as_user, make_user):
    app.config["NOW"] = MOMENT
    item = raise_one(db, desk.neighbour, title="待合并")
    main = raise_one(db, desk.requester, title="主诉求")
    other_place = raise_one(db, desk.requester, title="别处", community="幸福社区")
    closed = raise_one(db, desk.requester, title="已办结")
    services.dispatch(db, desk.dispatcher, closed, desk.units["housing"], note="", now=MOMENT)
    services.sign(db, desk.housing, closed, now=MOMENT)
    services.reply(db, desk.housing, closed, text="好", now=MOMENT)
    services.rate(db, desk.requester, closed, rating="satisfied", comment="", now=MOMENT)
    earlier = raise_one(db, make_user(Role.RESIDENT), title="早先的重复")
    db.commit()
    dispatcher = as_user(desk.dispatcher)
    assert _merge(dispatcher, earlier, main.number).status_code == 302  # earlier → main

    def counts():
        return (db.scalar(select(func.count()).select_from(RequestEvent)),
                db.scalar(select(func.count()).select_from(Notification)),
                db.scalar(select(func.count()).select_from(CoRequester)),
                db.scalar(select(func.count()).select_from(Request).where(
                    Request.status == "merged")))

    before = counts()
    cases = [
        (item, "2026-999999", "There is no request of this number"),
        (item, "not a number", "There is no request of this number"),
        (item, item.number, "A request cannot be merged into itself"),
        (item, closed.number, f"Request {closed.number} is closed: merge only into a request "
                              "still open."),
        (item, earlier.number, f"Request {earlier.number} was itself merged into request "
                               f"{main.number}: merge into request {main.number} instead."),
        (item, other_place.number, f"Request {other_place.number} is a request of 幸福社区: "
                                   "only requests of the same community are merged."),
        (main, item.number, "Other requests were merged into this one (1): merge the other "
                            "request into this one instead."),
        (closed, main.number, "This request is closed: a closed request is not merged."),
        (earlier, item.number, f"This request is merged already, into request {main.number}."),
    ]
    for duplicate, number, said in cases:
        db.refresh(duplicate)
        page = _merge(dispatcher, duplicate, number)  # closed or merged: no form, posted anyway
        assert page.status_code == 200, (number, page.status_code)
        assert said in page.text.replace("&#34;", '"'), (number, said)
        assert counts() == before, number
    # A stale page (the request changed meanwhile) is sent back, not applied.
    stale = _merge(dispatcher, item, main.number, expected="dispatched")
    assert stale.status_code == 302 and counts() == before
    # The desk's refusals are in the audit log with their codes.
    codes = set(db.scalars(select(AuditEntry.outcome)))
    assert {"request_merge_itself", "request_merge_chain", "request_merge_target_closed",
            "request_merge_other_community", "request_merge_has_duplicates"} <= codes


def _recount(db, unit_id: int, month: tuple[int, int], as_of: datetime):
    """The three rates counted again by hand from the stored rows, by their definitions."""
    def in_month(moment):
        day = local(moment).date()
        return (day.year, day.month) == month

    merged = set(db.scalars(select(Request.id).where(Request.merged_into_id.is_not(None))))
    dispatched = [r for r in db.scalars(select(Request).where(Request.unit_id == unit_id))
                  if r.id not in merged and r.dispatched_at and in_month(r.dispatched_at)
                  and (r.signed_at or local(r.sign_due_at) < as_of)]
    response = (sum(1 for r in dispatched if r.signed_at
                    and local(r.signed_at) <= local(r.sign_due_at)), len(dispatched))
    due = [h for h in db.scalars(select(Round).where(Round.unit_id == unit_id))
           if h.request_id not in merged and in_month(h.resolve_due_at)
           and (h.replied_at or local(h.resolve_due_at) < as_of)]
    resolution = (sum(1 for h in due if h.replied_at
                      and local(h.replied_at) <= local(h.resolve_due_at)), len(due))
    voices = [r.rating for r in db.scalars(select(RequestRating).where(
        RequestRating.unit_id == unit_id, RequestRating.round == 0))
        if r.request_id not in merged and in_month(r.rated_at)]
    voices += [c.rating for c in db.scalars(select(CoRequester).where(
        CoRequester.rated_unit_id == unit_id)) if in_month(c.rated_at)]
    good = sum(1 for v in voices if v in ("satisfied", "basically_satisfied"))
    return response, resolution, (good, len(voices))


def test_the_three_rates_after_merges_equal_a_recount(app, client, db, desk, as_user,
                                                      make_user):
    nov = datetime(2026, 11, 2, 9, tzinfo=TZ)  # a Monday
    housing = desk.units["housing"]
    residents = [make_user(Role.RESIDENT) for _ in range(4)]
    main = raise_one(db, desk.requester, title="主诉求", now=nov)
    services.dispatch(db, desk.dispatcher, main, housing, note="", now=nov)
    services.sign(db, desk.housing, main, now=nov + timedelta(hours=1))
    # Two duplicates already dispatched (one signed late, never answered), one not yet.
    late = raise_one(db, residents[0], title="重复一", now=nov)
    services.dispatch(db, desk.dispatcher, late, housing, note="", now=nov)
    services.sign(db, desk.housing, late, now=nov + timedelta(hours=30))
    fresh = raise_one(db, residents[1], title="重复二", now=nov)
    services.dispatch(db, desk.dispatcher, fresh, housing, note="", now=nov)
    waiting = raise_one(db, residents[2], title="重复三", now=nov)
    other = raise_one(db, residents[3], title="另一件", now=nov)
    services.dispatch(db, desk.dispatcher, other, housing, note="", now=nov)
    services.sign(db, desk.housing, other, now=nov + timedelta(hours=2))
    services.reply(db, desk.housing, other, text="好", now=nov + timedelta(days=1))
    services.rate(db, residents[3], other, rating="unsatisfied", comment="",
                  now=nov + timedelta(days=2))
    db.commit()
    dispatcher = as_user(desk.dispatcher)
    app.config["NOW"] = nov + timedelta(days=3)
    for duplicate in (late, fresh, waiting):
        db.refresh(duplicate)
        assert _merge(dispatcher, duplicate, main.number).status_code == 302
    services.reply(db, desk.housing, main, text="已处理", now=nov + timedelta(days=3))
    services.rate(db, desk.requester, main, rating="satisfied", comment="",
                  now=nov + timedelta(days=4))
    db.commit()
    app.config["NOW"] = nov + timedelta(days=5)
    for person, rating in zip(residents[:3], ("satisfied", "unsatisfied", "satisfied"),
                              strict=True):
        assert as_user(person).post(f"/resident/requests/{main.id}/co-rate",
                                    data={"rating": rating}).status_code == 302
    as_of = datetime(2026, 12, 1, 9, tzinfo=TZ)
    app.config["NOW"] = as_of
    client.get("/lang/en")
    page = client.get("/requests/rates?month=2026-11").text
    row = page.split("区住建委")[1].split("</tr>")[0]
    response, resolution, satisfaction = _recount(db, housing.id, (2026, 11), as_of)
    # Counted once each. Response: main and other, signed in time (the late and the unsigned
    # duplicates are left out). Resolution: main's handling and other's first, answered in
    # time, and other's reopened one due Nov 11, unanswered. Satisfaction: main's requester
    # and its three co-requesters (satisfied, unsatisfied, satisfied), and other's requester
    # (unsatisfied).
    assert (response, resolution, satisfaction) == ((2, 2), (2, 3), (3, 5))
    assert f"{response[0]} of {response[1]}" in row
    assert f"{resolution[0]} of {resolution[1]}" in row
    assert f"{satisfaction[0]} of {satisfaction[1]}" in row
    dispatches, handlings, first = queries.month_facts(db, (2026, 11))
    three = rates.three_rates(housing.id, (2026, 11), as_of, dispatches=dispatches,
                              handlings=handlings, ratings=first)
    assert [(r.numerator, r.denominator) for r in (
        three.response, three.resolution, three.satisfaction)] == [
        response, resolution, satisfaction]
    assert "left out of all three rates" in page


def test_only_officials_merge_and_the_form_needs_its_csrf_token(make_app, db, desk, as_user):
    item = raise_one(db, desk.neighbour)
    main = raise_one(db, desk.requester)
    resident = as_user(desk.requester)
    assert resident.get(f"/official/requests/{item.id}/merge").status_code == 403
    assert _merge(resident, item, main.number).status_code == 403
    db.refresh(item)
    assert item.status == "raised"

    app = make_app(WTF_CSRF_ENABLED=True, NOW=MOMENT)
    client = app.test_client()
    login = client.get("/account/login").text
    client.post("/account/login", data={"username": desk.dispatcher.username,
                                        "password": "correct horse battery",
                                        "csrf_token": csrf_token(login)})
    page = client.get(f"/official/requests/{item.id}/merge").text
    data = {"expected": "raised", "number": main.number}
    assert client.post(f"/official/requests/{item.id}/merge", data=data).status_code == 400
    db.refresh(item)
    assert item.status == "raised"
    assert client.post(f"/official/requests/{item.id}/merge",
                       data={**data, "csrf_token": csrf_token(page)}).status_code == 302
    db.refresh(item)
    assert item.status == "merged"


RACE_DB = "test_requests_merge_race"  # its own database: the shared test database sees nothing


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request, tmp_path):
    """A migrated, empty database that concurrent sessions really share, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'merges.db'}"
        upgrade(url)
        engine = make_engine(url)
        yield engine
        engine.dispose()
        return
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not PostgreSQL")
    admin = make_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {RACE_DB} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {RACE_DB}"))
    url = make_url(server).set(database=RACE_DB).render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url, pool_size=4)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {RACE_DB} WITH (FORCE)"))


def test_two_officials_merging_two_requests_into_each_other_at_once_make_no_loop(
        shared_database):
    """A into B and B into A at the same moment: one merge is done, the other refused."""
    with Session(shared_database) as session:
        people = [register_user(session, username=f"u{n}", display_name=f"人{n}",
                                password_hash="x", roles=(role,)).id
                  for n, role in enumerate((Role.RESIDENT, Role.RESIDENT, Role.OFFICIAL,
                                            Role.OFFICIAL))]
        add_places(session, register_user(session, username="admin", display_name="管理员",
                                          password_hash="x", roles=(Role.ADMIN,)), PLACES)
        ids = [services.raise_request(session, session.get(User, people[n]), services.Draft(
            title="路灯不亮", description="晚上很黑。", category="public_safety",
            community="和平社区"), channel="online", now=MOMENT).id for n in (0, 1)]
        session.commit()
    start = threading.Barrier(2)

    def merge(official: int, duplicate: int, main: int) -> str:
        with Session(shared_database) as session:
            start.wait()
            begin_write(session)  # as the app's writing requests do (SQLite: BEGIN IMMEDIATE)
            try:
                merging.merge(session, session.get(User, official),
                              session.get(Request, duplicate), session.get(Request, main),
                              now=MOMENT)
            except DomainError as error:
                session.rollback()
                return error.code
            session.commit()
            return "done"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(merge, people[2:], ids, ids[::-1]))
    assert outcomes[0] == "done" and outcomes[1] in ("request_merge_chain",
                                                     "request_already_merged")
    with Session(shared_database) as session:
        rows = session.scalars(select(Request).order_by(Request.id)).all()
        assert sorted(r.status for r in rows) == ["merged", "raised"]
        assert [r.merged_into_id for r in rows if r.merged_into_id] in ([ids[0]], [ids[1]])
        assert len(session.scalars(select(CoRequester)).all()) == 1
