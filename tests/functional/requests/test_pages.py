"""The pages: a refused form keeps what was typed, the public list, empty states, the rates."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from proposals.requests import services
from proposals.requests.clock import TZ
from proposals.requests.models import Request
from tests.conftest import csrf_token
from tests.functional.requests.samples import MOMENT, raise_one


def test_a_refused_request_keeps_every_field_and_says_what_is_wrong(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    resident = as_user(desk.requester)
    page = resident.post("/resident/requests/new", data={
        "title": "", "description": "<b>楼道</b>灯坏了", "category": "",
        "community": "幸福社区", "urgency": "urgent"})
    assert page.status_code == 200
    assert "Please fill in “What is the problem, in a few words?”." in page.text
    assert "Please choose “Category”." in page.text
    assert "&lt;b&gt;楼道&lt;/b&gt;灯坏了" in page.text and "<b>楼道" not in page.text
    assert 'value="幸福社区"' in page.text
    assert 'checked id="urgency-1" name="urgency" required type="radio" value="urgent"' in page.text
    assert db.scalar(select(func.count()).select_from(Request)) == 0


def test_the_forms_offer_the_list_of_communities_under_their_streets(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    for page in (as_user(desk.requester).get("/resident/requests/new").text,
                 as_user(desk.dispatcher).get("/official/requests/new").text):
        assert ('<optgroup label="长江街道"><option value="和平社区">和平社区</option>'
                '<option value="幸福社区">幸福社区</option></optgroup>') in page
        assert "datalist" not in page
    typed = as_user(desk.requester).post("/resident/requests/new", data={
        "title": "路灯", "description": "不亮", "category": "other", "community": "月亮社区",
        "urgency": "normal"})
    assert typed.status_code == 200 and "Choose one of the options listed" in typed.text
    assert db.scalar(select(func.count()).select_from(Request)) == 0


def test_the_form_needs_its_csrf_token(make_app, db, desk):
    app = make_app(WTF_CSRF_ENABLED=True, NOW=MOMENT)
    client = app.test_client()
    login = client.get("/account/login").text
    client.post("/account/login", data={"username": desk.requester.username,
                                        "password": "correct horse battery",
                                        "csrf_token": csrf_token(login)})
    form = client.get("/resident/requests/new").text
    data = {"title": "路灯", "description": "不亮", "category": "other",
            "community": "和平社区", "urgency": "normal"}
    assert client.post("/resident/requests/new", data=data).status_code == 400
    assert client.post("/resident/requests/new",
                       data={**data, "csrf_token": csrf_token(form)}).status_code == 302


def test_the_public_list_filters_and_pages_and_says_when_it_is_empty(app, client, db, desk):
    app.config["NOW"] = MOMENT
    client.get("/lang/en")
    assert "No request has been raised yet." in client.get("/requests").text
    for n in range(23):
        raise_one(db, desk.requester, title=f"诉求{n:02}", now=MOMENT + timedelta(minutes=n),
                  community="和平社区" if n % 2 else "幸福社区",
                  category="environment" if n < 3 else "public_safety")
    first = client.get("/requests").text
    assert "23 requests found." in first and "诉求22" in first and "诉求02" not in first
    assert "Page 1 of 2" in first
    assert "诉求02" in client.get("/requests?page=2").text
    only = client.get("/requests?category=environment&community=幸福社区").text
    assert "2 requests found." in only and "诉求00" in only and "诉求02" in only
    assert "No request matches." in client.get("/requests?status=closed").text
    # Unknown filter values are ignored, not an error.
    assert "23 requests found." in client.get("/requests?status=<x>&community=火星").text
    assert client.get("/requests/2026-999999").status_code == 404


def test_the_unit_pauses_and_resumes_over_http_and_the_history_gives_the_reason(
        app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    item = raise_one(db, desk.requester)
    services.dispatch(db, desk.dispatcher, item, desk.units["housing"], note="", now=MOMENT)
    services.sign(db, desk.housing, item, now=MOMENT)
    db.commit()
    unit = as_user(desk.housing)
    empty = unit.post(f"/official/requests/{item.id}/pause",
                      data={"pause-expected": "signed", "pause-reason": ""})
    assert "Please fill in “Why are you waiting for the requester?”." in empty.text
    unit.post(f"/official/requests/{item.id}/pause",
              data={"pause-expected": "signed", "pause-reason": "居民周六在家，届时入户"})
    db.refresh(item)
    assert item.status == "waiting"
    stale = unit.post(f"/official/requests/{item.id}/pause", follow_redirects=True,
                      data={"pause-expected": "signed", "pause-reason": "再等"})
    assert "The request changed meanwhile" in stale.text
    app.config["NOW"] = MOMENT + timedelta(days=1)
    unit.post(f"/official/requests/{item.id}/resume", data={"resume-expected": "waiting"})
    db.refresh(item)
    assert item.status == "signed"
    public = app.test_client().get(f"/requests/{item.number}?lang=en").text
    assert "居民周六在家，届时入户" in public


def test_overdue_is_said_in_words_in_the_queue(app, db, desk, as_user):
    item = raise_one(db, desk.requester)
    services.dispatch(db, desk.dispatcher, item, desk.units["street"], note="", now=MOMENT)
    db.commit()
    app.config["NOW"] = MOMENT + timedelta(hours=30)
    queue = as_user(desk.street).get("/official/requests/queue").text
    assert "Overdue" in queue and 'class="overdue"' in queue
    assert "You do not sign for any responsible unit." in \
        as_user(desk.dispatcher).get("/official/requests/queue").text


def test_the_rates_page_shows_the_exact_counts_of_a_built_month(app, client, db, desk):
    nov = datetime(2026, 11, 2, 9, tzinfo=TZ)  # a Monday
    housing = desk.units["housing"]
    made = []
    for n in range(4):
        item = raise_one(db, desk.requester, title=f"十一月{n}", now=nov)
        services.dispatch(db, desk.dispatcher, item, housing, note="", now=nov)
        made.append(item)
    services.sign(db, desk.housing, made[0], now=nov + timedelta(hours=1))
    services.sign(db, desk.housing, made[1], now=nov + timedelta(hours=2))
    services.sign(db, desk.housing, made[2], now=nov + timedelta(hours=30))  # late
    # made[3] is never signed: its limit passes.
    services.reply(db, desk.housing, made[0], text="好", now=nov + timedelta(days=1))
    services.reply(db, desk.housing, made[1], text="好", now=nov + timedelta(days=10))  # late
    services.rate(db, desk.requester, made[0], rating="satisfied", comment="",
                  now=nov + timedelta(days=2))
    services.rate(db, desk.requester, made[1], rating="unsatisfied", comment="",
                  now=nov + timedelta(days=11))
    db.commit()
    app.config["NOW"] = datetime(2026, 12, 1, 9, tzinfo=TZ)
    client.get("/lang/en")
    page = client.get("/requests/rates?month=2026-11").text
    housing_row = page.split("区住建委")[1].split("</tr>")[0]
    # Response 2 of 4. Resolution: four handlings due Nov 9 and the reopened one due Nov 20
    # (five working days from Nov 13), one answered in time. Satisfaction 1 of 2.
    assert "50.0%" in housing_row and "2 of 4" in housing_row
    assert "20.0%" in housing_row and "1 of 5" in housing_row
    assert "1 of 2" in housing_row
    street_row = page.split("长江街道办事处")[1].split("</tr>")[0]
    assert street_row.count("none due") == 3
    assert "How each rate is counted" in page and "2026-10" in page
    assert "2026-11-01" not in page
    assert client.get("/requests/rates?month=nonsense").status_code == 200
    one = client.get(f"/requests/rates?month=2026-11&unit={housing.id}").text
    assert "The three rates of 区住建委, 2026-11" in one
    assert "2 of 4" in one and "1 of 5" in one and "1 of 2" in one
    assert 'id="chart-unit-rates-data"' in one and "vendor/plotly.min.js" in one
    assert [m for m in ("2026-06", "2026-11", "2026-12") if f">{m}</a>" in one] == [
        "2026-06", "2026-11"]
    assert "How each rate is counted" in client.get("/requests/rates?unit=99999").text


def test_an_official_enters_a_hotline_call_for_a_resident_or_a_caller(app, db, desk, as_user):
    app.config["NOW"] = MOMENT
    official = as_user(desk.dispatcher)
    assert "Enter a request" in official.get("/official/requests/new").text
    call = {"title": "楼道积水", "description": "来电反映楼道积水。", "category": "housing",
            "community": "和平社区", "urgency": "normal", "channel": "hotline"}
    unknown = official.post("/official/requests/new", data={**call, "requester": "nobody"})
    assert "There is no account with this username." in unknown.text
    assert official.post("/official/requests/new", data={
        **call, "channel": "online"}).status_code == 200  # not a choice for officials
    official.post("/official/requests/new",
                  data={**call, "requester": desk.requester.username})
    official.post("/official/requests/new", data={**call, "channel": "liaison_station"})
    made = db.scalars(select(Request).order_by(Request.id)).all()
    assert [(r.channel, r.requester_id) for r in made] == [
        ("hotline", desk.requester.id), ("liaison_station", None)]
    assert "楼道积水" in as_user(desk.requester).get("/resident/requests").text
    # Residents do not enter requests for others.
    assert as_user(desk.neighbour).get("/official/requests/new").status_code == 403


def test_the_menu_leads_to_requests_and_a_notice_to_its_request(client, login, db, make_user):
    from proposals.collection.models import Notification
    from votes.people import Role

    assert 'href="/requests"' in client.get("/").text
    resident = make_user(Role.RESIDENT, name="提诉求的居民")
    db.add(Notification(user_id=resident.id, kind="request_replied", proposal_id=None,
                        params={"number": "2027-000001", "title": "路灯不亮"}))
    db.commit()
    login(resident)
    assert 'href="/resident/requests"' in client.get("/").text
    assert 'href="/requests/2027-000001"' in client.get("/resident/notifications").text
