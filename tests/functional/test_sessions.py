"""Each sign-in is a session of its own, ended on the server: logout ends that one only, a
new password ends the others, the devices page lists and ends them, old cookies are out."""

from datetime import timedelta

from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from app.auth.signin import describe_device
from tests.conftest import PASSWORD
from votes.sessions import SEEN_EVERY, AccountSession, live_sessions, token_hash

PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0 Mobile Safari/537.36")
WECHAT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49")


def device(app, user, *, agent=PHONE, remember=False):
    """Another browser, signed in as `user` through the sign-in page."""
    browser = app.test_client()
    data = {"username": user.username, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    answer = browser.post("/account/login", data=data, headers={"User-Agent": agent})
    assert answer.status_code == 302
    return browser


def copy_of(app, client):
    """A browser holding copies of `client`'s cookies, as a thief of them would."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value, domain=cookie.domain)
    return thief


def signed_in(browser) -> bool:
    return browser.get("/account/profile").status_code == 200


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, make_user):
    user = make_user()
    laptop = device(app, user, remember=True)
    phone = device(app, user)
    thief = copy_of(app, laptop)
    assert signed_in(laptop) and signed_in(phone) and signed_in(thief)
    laptop.post("/account/logout")
    assert not signed_in(laptop)
    assert not signed_in(thief)  # neither the session cookie nor the remember-me cookie
    assert signed_in(phone)  # the account's other device is not touched


def test_the_remember_me_cookie_alone_opens_only_a_live_session(app, make_user):
    user = make_user()
    laptop = device(app, user, remember=True)
    thief = app.test_client()
    cookie = laptop.get_cookie("remember_token")
    thief.set_cookie("remember_token", cookie.value, domain=cookie.domain)
    assert signed_in(thief)
    laptop.post("/account/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", cookie.value, domain=cookie.domain)
    assert not signed_in(fresh)


def test_a_new_password_ends_the_other_devices_and_keeps_this_one(app, db, make_user):
    user = make_user()
    laptop, phone = device(app, user), device(app, user)
    thief = copy_of(app, laptop)
    changed = laptop.post("/account/password", data={
        "current": PASSWORD, "password": "another long password",
        "confirm": "another long password"})
    assert changed.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone) and not signed_in(thief)
    assert len(live_sessions(db, user.id)) == 1


def test_the_devices_page_lists_each_session_and_ends_one(app, db, make_user):
    user = make_user()
    laptop = device(app, user, agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0")
    phone = device(app, user, agent=WECHAT)
    page = laptop.get("/account/sessions")
    assert page.status_code == 200
    assert "Firefox / Windows" in page.text and "WeChat / iPhone" in page.text
    assert page.text.count('name="session_id"') == 2
    rows = {row.description: row for row in live_sessions(db, user.id)}
    ended = laptop.post("/account/sessions",
                        data={"session_id": rows["WeChat / iPhone"].id})
    assert ended.status_code == 302
    assert not signed_in(phone) and signed_in(laptop)
    # Ending one's own session from the list signs this device out.
    laptop.post("/account/sessions", data={"session_id": rows["Firefox / Windows"].id})
    assert not signed_in(laptop)


def test_sign_out_everywhere_else_and_no_ending_of_someone_elses(app, db, make_user):
    user, other = make_user(), make_user()
    laptop, phone, tablet = device(app, user), device(app, user), device(app, user)
    stranger = device(app, other)
    (theirs,) = live_sessions(db, other.id)
    stranger_page = laptop.post("/account/sessions", data={"session_id": theirs.id},
                                follow_redirects=True)
    assert stranger_page.status_code == 200 and signed_in(stranger)
    laptop.post("/account/sessions", data={"others": "y"})
    assert signed_in(laptop) and not signed_in(phone) and not signed_in(tablet)
    assert signed_in(stranger)


def test_the_devices_page_is_for_the_signed_in_only(client):
    answer = client.get("/account/sessions")
    assert answer.status_code == 302 and "/account/login" in answer.headers["Location"]


def test_only_a_hash_of_the_session_id_is_stored(app, db, make_user):
    user = make_user()
    laptop = device(app, user)
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    cookie = serializer.loads(laptop.get_cookie("session").value)
    number, _version, token = cookie["_user_id"].split(":")
    assert number == str(user.id) and len(token) >= 40
    (row,) = live_sessions(db, user.id)
    assert row.token_hash == token_hash(token) and token not in row.token_hash


def test_a_cookie_from_before_sessions_is_signed_out(app, make_user):
    user = make_user()
    old = app.test_client()
    with old.session_transaction() as cookie:
        cookie["_user_id"] = f"{user.id}:{user.session_version}"
        cookie["_fresh"] = True
    assert not signed_in(old)


def test_last_seen_is_written_only_every_few_minutes(app, db, make_user):
    user = make_user()
    laptop = device(app, user)
    (row,) = live_sessions(db, user.id)
    first = row.last_seen_at
    assert signed_in(laptop)
    db.expire_all()
    assert db.get(AccountSession, row.id).last_seen_at == first  # a minute later: unchanged
    row = db.get(AccountSession, row.id)
    row.last_seen_at = first - SEEN_EVERY - timedelta(seconds=1)
    db.commit()
    assert signed_in(laptop)
    db.expire_all()
    seen = db.scalar(select(AccountSession.last_seen_at).where(AccountSession.id == row.id))
    assert seen.replace(tzinfo=None) > (first - SEEN_EVERY).replace(tzinfo=None)


def test_a_device_is_named_coarsely():
    assert describe_device(PHONE) == "Chrome / Android"
    assert describe_device(WECHAT) == "WeChat / iPhone"
    assert describe_device("") == "?"
    assert describe_device("curl/8.5.0") == "curl"
