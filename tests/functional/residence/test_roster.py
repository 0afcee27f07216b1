"""The community's roster over HTTP: imported whole or not at all with a row-by-row report;
people whose confirmed numbers are on it verified at import and at confirmation (the code
read from the SMS gateway); a person verified elsewhere left there and shown so."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.functional.accounts.conftest import browser, code_to, confirm, register
from tests.functional.builders import community_place, live_in
from tests.functional.notices.servers import Gateway
from votes.base import utcnow
from votes.people import Role, find_user
from votes.places import PlaceKeeper
from votes.residence import RegisterEntry, Residency, live_residency
from votes.roster import RosterEntry

HEADER = "姓名,手机号,地址\n"


@pytest.fixture
def client(app):
    return browser(app)


@pytest.fixture
def keeper(db, make_user):
    """An official named for 长江街道, so keeper of 和平社区's register (and 幸福社区's)."""
    official = make_user(Role.OFFICIAL, name="社区工作人员")
    home = community_place(db, "和平社区")
    community_place(db, "幸福社区")
    db.add(PlaceKeeper(user_id=official.id, place_id=home.parent_id))
    db.commit()
    return official


@pytest.fixture
def gateway():
    server = Gateway()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()


def confirmed(db, make_user, number: str, name: str):
    person = make_user(Role.RESIDENT, name=name)
    person.mobile, person.mobile_confirmed_at = number, utcnow()
    db.commit()
    return person


def upload(client, place, text: str | bytes, filename: str = "roster.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(f"/official/register/{place.id}/roster",
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_a_roster_with_bad_rows_is_rejected_whole_with_a_report(client, db, login, keeper,
                                                                make_user):
    home, other = community_place(db, "和平社区"), community_place(db, "幸福社区")
    db.add(RosterEntry(place_id=other.id, name="别处的人", mobile="13900139000"))
    db.commit()
    person = confirmed(db, make_user, "13800138000", "王秀英")
    log_before = db.scalar(select(func.count()).select_from(RegisterEntry))
    login(keeper)
    answer = upload(client, home, HEADER + "王秀英,13800138000,3号楼2单元501\n"
                                           "李四,1380013800,1号楼\n"
                                           "张三,138 0013 8000,2号楼\n"
                                           "赵六,+86 139 0013 9000,4号楼\n"
                                           ",13700137000,5号楼\n")
    assert answer.status_code == 422
    page = answer.text
    assert "Nothing was imported" in page
    for row, problem in ((3, "11 digits and starts with 1"), (4, "on row 2 of the file"),
                         (5, "on the roster of 幸福社区 already"),
                         (6, "This cell is empty but required")):
        assert f'<td data-label="Row">{row}</td>' in page
        assert problem in page
    assert '<td data-label="Row">2</td>' not in page  # the good row is not blamed
    assert db.scalar(select(func.count()).select_from(RosterEntry)
                     .where(RosterEntry.place_id == home.id)) == 0
    assert live_residency(db, person.id) is None
    assert db.scalar(select(func.count()).select_from(RegisterEntry)) == log_before
    wrong_header = upload(client, home, "名字,电话\n王秀英,13800138000\n")
    assert wrong_header.status_code == 422 and "The column is missing" in wrong_header.text


def test_a_good_roster_is_imported_whole_and_verifies_the_confirmed_numbers_on_it(
        client, db, login, keeper, make_user):
    home, other = community_place(db, "和平社区"), community_place(db, "幸福社区")
    here = confirmed(db, make_user, "13800138000", "王秀英")
    moved = live_in(db, confirmed(db, make_user, "13600136000", "钱多多"), "幸福社区")
    pending = make_user(Role.RESIDENT, name="未确认")
    pending.mobile = "13500135000"  # typed, never confirmed by a code
    db.commit()
    login(keeper)
    answer = upload(client, home, HEADER + "王秀英,138-0013-8000,3号楼2单元501\n"
                                           "钱多多,13600136000,6号楼\n"
                                           "孙无号,13700137000,7号楼\n"
                                           "未确认,13500135000,8号楼\n")
    assert answer.status_code == 302
    told = client.get(answer.headers["Location"]).text
    assert "has 4 entries now. Verified by it now: 1. Verified in another community, and " \
        "left there: 1." in told

    residency = live_residency(db, here.id)
    assert (residency.place_id, residency.method, residency.address) == (
        home.id, "roster", "3号楼2单元501")
    assert residency.verified_by_id == keeper.id
    assert live_residency(db, moved.id).place_id == other.id  # not moved silently
    assert live_residency(db, pending.id) is None
    desk = client.get(f"/official/register/{home.id}").text
    assert "verified elsewhere: 幸福社区" in desk
    assert "no account has confirmed this number yet" in desk
    assert "verified here" in desk and "by the community’s roster" in desk
    actions = list(db.scalars(select(RegisterEntry.action).where(
        RegisterEntry.place_id == home.id).order_by(RegisterEntry.id)))
    assert actions == ["roster_imported", "verified"]
    assert "roster imported" in desk

    # The file is the roster: a new one replaces it; verifications stay.
    assert upload(client, home, HEADER + "王秀英,13800138000,3号楼2单元502\n").status_code == 302
    entries = list(db.scalars(select(RosterEntry).where(RosterEntry.place_id == home.id)))
    assert [(e.mobile, e.address) for e in entries] == [("13800138000", "3号楼2单元502")]
    assert live_residency(db, here.id) is not None


def test_a_person_whose_number_is_on_the_roster_is_verified_when_they_confirm_it(
        app, client, db, login, keeper, gateway):
    app.config.update(SMS_URL=gateway.url, SMS_TOKEN=gateway.token)
    home = community_place(db, "和平社区")
    login(keeper)
    assert upload(client, home, HEADER + "周新,15000150000,9号楼1单元301\n").status_code == 302

    newcomer = browser(app)
    register(newcomer, username="zhou.xin", display_name="周新", mobile="150 0015 0000")
    person = find_user(db, "zhou.xin")
    # Until the number is confirmed, the account is not verified, at the counter neither.
    refused = client.post(f"/official/register/{home.id}/verify", data={
        "person": "zhou.xin", "evidence": "居民身份证、户口簿"})
    assert "not confirmed yet" in refused.text
    assert live_residency(db, person.id) is None

    done = confirm(newcomer, code_to(app, gateway, "15000150000"))
    assert done.status_code == 302
    page = newcomer.get(done.headers["Location"]).text
    assert "on the roster of 和平社区: you are verified as a resident there" in page
    residency = live_residency(db, person.id)
    assert (residency.place_id, residency.method, residency.address) == (
        home.id, "roster", "9号楼1单元301")
    assert residency.verified_by_id is None  # the person's own confirmation
    assert db.scalar(select(RegisterEntry.actor_id).where(
        RegisterEntry.user_id == person.id, RegisterEntry.action == "verified")) == person.id


def test_a_person_verified_elsewhere_who_confirms_stays_where_they_are(
        app, client, db, login, keeper, gateway, make_user):
    app.config.update(SMS_URL=gateway.url, SMS_TOKEN=gateway.token)
    home = community_place(db, "和平社区")
    login(keeper)
    upload(client, home, HEADER + "吴迁,15100151000,1号楼\n")
    person = live_in(db, make_user(Role.RESIDENT, name="吴迁"), "幸福社区")
    db.commit()
    own = browser(app)
    own.post("/account/login", data={"username": person.username,
                                     "password": "correct horse battery"})
    own.post("/account/mobile/send", data={"mobile": "15100151000"})
    confirm(own, code_to(app, gateway, "15100151000"))
    assert live_residency(db, person.id).place.name == "幸福社区"
    assert db.scalar(select(func.count()).select_from(Residency)
                     .where(Residency.user_id == person.id)) == 1
    assert "verified elsewhere: 幸福社区" in client.get(f"/official/register/{home.id}").text


def test_an_xlsx_roster_and_the_template(client, db, login, keeper, make_user):
    home = community_place(db, "和平社区")
    person = confirmed(db, make_user, "18800188000", "郑表格")
    login(keeper)
    template = client.get(f"/official/register/{home.id}/roster/template.csv")
    assert template.status_code == 200 and "姓名,手机号,地址" in template.data.decode("utf-8-sig")
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "手机号", "地址"])
    sheet.append(["郑表格", 18800188000, "10号楼"])  # Excel keeps the number as a number
    data = io.BytesIO()
    book.save(data)
    assert upload(client, home, data.getvalue(), "名册.xlsx").status_code == 302
    assert live_residency(db, person.id).method == "roster"


def test_only_the_registers_keeper_opens_or_imports_its_roster(client, db, login, make_user,
                                                              keeper):
    home = community_place(db, "和平社区")
    login(make_user(Role.OFFICIAL))
    assert client.get(f"/official/register/{home.id}/roster").status_code in (302, 403)
    answer = upload(client, home, HEADER + "王,13800138000,1号楼\n")
    assert answer.status_code in (302, 403)
    assert db.scalar(select(func.count()).select_from(RosterEntry)) == 0
