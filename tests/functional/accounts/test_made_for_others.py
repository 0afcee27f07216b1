"""Accounts made for someone else, over HTTP: the administrator's (a code or a link to set
the password, through the outbox) and the counter's assisted accounts (a printed sheet, a
password changed at first sign-in, marked with who made it)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.auth.passwords import verify_password
from app.notices.delivery import deliver_due
from tests.conftest import PASSWORD
from tests.functional.accounts.conftest import STRONG, browser, code_to, confirm, signed_in
from tests.functional.builders import community_place
from votes.people import Role, User, find_user
from votes.places import PlaceKeeper
from votes.residence import live_residency
from votes.sessions import PasswordReset


@pytest.fixture
def admin_in(client, make_user, login):
    admin = make_user(Role.ADMIN, name="管理员甲")
    login(admin)
    return admin


def new_account(client, **fields):
    data = {"username": "zhang.san", "display_name": "张三", "mobile": "", "email": "",
            "roles": ["resident"], "send": "sms", **fields}
    return client.post("/admin/users/new", data=data)


def test_the_admin_makes_an_account_whose_holder_sets_the_password_by_a_texted_code(
        app, client, db, mailing, gateway, admin_in):
    assert "New account" in client.get("/admin/users").text
    made = new_account(client, mobile="+86 158 0015 8000", roles=["resident", "official"])
    assert made.status_code == 302
    user = find_user(db, "zhang.san")
    assert user.roles == {"resident", "official"}
    assert user.mobile == "15800158000" and user.mobile_confirmed_at is None
    reset = db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert reset.channel == "sms" and reset.issued_by_id == admin_in.id
    assert not verify_password(user.password_hash, "")  # nobody knows a password yet

    holder = browser(app)
    code = code_to(app, gateway, "15800158000")
    done = holder.post("/account/reset/code", data={
        "who": "158 0015 8000", "code": code, "password": STRONG, "confirm": STRONG})
    assert done.status_code == 302 and signed_in(holder)
    # The number is the holder's to confirm, as any account's.
    holder.post("/account/mobile/send", data={"mobile": "15800158000"})
    assert confirm(holder, code_to(app, gateway, "15800158000")).status_code == 302
    db.expire_all()
    assert find_user(db, "zhang.san").mobile_confirmed_at is not None


def test_the_admin_sends_a_link_by_email_and_chooses_the_channel_of_a_reset(
        app, client, db, mailing, inbox, admin_in):
    new_account(client, username="li.si", display_name="李四", email="lisi@example.org",
                mobile="13800138001", send="email")
    user = find_user(db, "li.si")
    (reset,) = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert reset.channel == "email"
    deliver_due(mailing)
    (message,) = inbox.messages
    assert str(message["To"]) == "lisi@example.org"
    link = re.search(r"https://yishi\.example\.org(/account/reset/link/\S+)",
                     message.get_content()).group(1)
    assert "New password" in browser(app).get(link).text

    page = client.get(f"/admin/users/{user.id}").text
    assert "a link to the email" in page and "not confirmed" in page
    client.post(f"/admin/users/{user.id}/reset", data={"channel": "sms"})
    newest = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)
                        .order_by(PasswordReset.id.desc())).first()
    assert newest.channel == "sms" and newest.issued_by_id == admin_in.id
    # The email link is ended by the newer code: each reset ends the ones before it.
    assert "expired or was used" in browser(app).get(link).text


def test_the_admins_refusals_keep_what_was_typed_and_write_nothing(
        app, client, db, make_user, admin_in):
    make_user(username="taken.name")
    owner = make_user(username="owner")
    owner.mobile, owner.mobile_confirmed_at = "13900139001", owner.created_at
    db.commit()
    before = db.scalar(select(func.count()).select_from(User))

    taken = new_account(client, username="Taken.Name", display_name="重名")
    assert taken.status_code == 200 and "already taken" in taken.text
    assert 'value="重名"' in taken.text
    number = new_account(client, mobile="139 0013 9001")
    assert "confirmed by the account owner already" in number.text
    no_mobile = new_account(client, username="no.phone", send="sms")
    assert "no mobile number to text a code to" in no_mobile.text
    malformed = new_account(client, mobile="12345")
    assert "11 digits" in malformed.text
    assert db.scalar(select(func.count()).select_from(User)) == before
    assert db.scalar(select(func.count()).select_from(PasswordReset)) == 0


@pytest.fixture
def keeper(db, make_user):
    official = make_user(Role.OFFICIAL, name="窗口工作人员")
    home = community_place(db, "和平社区")
    db.add(PlaceKeeper(user_id=official.id, place_id=home.parent_id))
    db.commit()
    return official


def sheet_of(page: str) -> tuple[str, str]:
    found = re.findall(r'<span class="code" translate="no">([^<]+)</span>', page)
    return found[0], found[1]


def test_an_official_makes_an_assisted_account_with_a_printed_sheet(
        app, client, db, login, keeper, make_user):
    login(keeper)
    assert "Accounts made at the counter" in client.get("/official/").text
    made = client.post("/official/accounts/assisted", data={"display_name": "赵奶奶"})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    username, password = sheet_of(made.text)
    user = find_user(db, username)
    assert user.display_name == "赵奶奶" and user.assisted and user.must_change_password
    assert user.assisted_by_id == keeper.id and user.mobile is None
    assert password not in user.password_hash and verify_password(user.password_hash,
                                                                   password)

    resident = browser(app)
    assert resident.post("/account/login", data={"username": username,
                                                 "password": password}).status_code == 302
    # Until the resident chooses their own password, every page leads to "Change password".
    for path in ("/", "/account/profile", "/resident/"):
        answer = resident.get(path)
        assert answer.status_code == 302 and answer.headers["Location"].endswith(
            "/account/password")
    assert "Choose your own password now" in resident.get("/", follow_redirects=True).text
    changed = resident.post("/account/password", data={
        "current": password, "password": STRONG, "confirm": STRONG})
    assert changed.status_code == 302
    assert resident.get("/account/profile").status_code == 200
    db.expire_all()
    assert not find_user(db, username).must_change_password

    admin, office = make_user(Role.ADMIN), browser(app)
    office.post("/account/login", data={"username": admin.username, "password": PASSWORD})
    listing = office.get("/admin/users", query_string={"q": username}).text
    assert "assisted account" in listing
    assert "made at the counter by 窗口工作人员" in office.get(f"/admin/users/{user.id}").text


def test_a_keeper_verifies_the_assisted_account_at_once_or_nothing_is_made(
        app, client, db, login, keeper):
    login(keeper)
    home = community_place(db, "和平社区")
    page = client.get("/official/accounts/assisted").text
    assert f'<option value="{home.id}">和平社区</option>' in page
    before = db.scalar(select(func.count()).select_from(User))
    refused = client.post("/official/accounts/assisted", data={
        "display_name": "钱爷爷", "community": str(home.id), "evidence": ""})
    assert refused.status_code == 422 and 'value="钱爷爷"' in refused.text
    number = client.post("/official/accounts/assisted", data={
        "display_name": "钱爷爷", "community": str(home.id),
        "evidence": "身份证 110101194501011234"})
    assert number.status_code == 422 and "never its number" in number.text
    assert db.scalar(select(func.count()).select_from(User)) == before

    made = client.post("/official/accounts/assisted", data={
        "display_name": "钱爷爷", "username": "qian.yeye", "community": str(home.id),
        "evidence": "居民身份证、户口簿", "address": "2号楼1单元101"})
    assert made.status_code == 200
    user = find_user(db, "qian.yeye")
    residency = live_residency(db, user.id)
    assert residency.place_id == home.id and residency.verified_by_id == keeper.id
    desk = client.get(f"/official/register/{home.id}").text
    assert "钱爷爷" in desk and "assisted account" in desk


def test_a_lost_sheet_is_printed_again_and_the_old_password_stops_working(
        app, client, db, login, keeper, make_user):
    login(keeper)
    first = client.post("/official/accounts/assisted", data={"display_name": "孙阿姨"})
    username, old = sheet_of(first.text)
    user = find_user(db, username)
    again = client.post(f"/official/accounts/assisted/{user.id}/sheet")
    assert again.status_code == 200 and again.headers["Cache-Control"] == "no-store"
    _name, new = sheet_of(again.text)
    assert new != old
    resident = browser(app)
    wrong = resident.post("/account/login", data={"username": username, "password": old})
    assert "Wrong username or password" in wrong.text
    assert resident.post("/account/login", data={"username": username,
                                                 "password": new}).status_code == 302
    # Only an assisted account gets a sheet: nobody else's password is printed.
    other = make_user()
    refused = client.post(f"/official/accounts/assisted/{other.id}/sheet")
    assert refused.status_code == 422
    db.refresh(other)
    assert not other.must_change_password


def test_residents_do_not_make_assisted_accounts(client, make_user, login):
    login(make_user(Role.RESIDENT))
    assert client.get("/official/accounts/assisted").status_code == 403
    assert client.post("/official/accounts/assisted",
                       data={"display_name": "x"}).status_code == 403
