"""One person, one account, over HTTP: a mobile number required at registration and
confirmed by the code texted to it (read from the SMS gateway, through the outbox); wrong,
expired, burned and reused codes; the limits per number; a number confirmed by one account
only; signing in by the number, with a password or with a code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from tests.conftest import PASSWORD
from tests.functional.accounts.conftest import (
    browser,
    code_to,
    confirm,
    register,
    signed_in,
    texts_to,
)
from votes.base import utcnow
from votes.mobiles import CODE_TRIES, MobileCode
from votes.people import User, find_user


@pytest.mark.parametrize("typed", ["1380013800", "138001380001", "23800138000", "12800138000",
                                   "+85 13800138000", "138-0013-800a", "13800138000x"])
def test_a_malformed_number_is_refused_and_what_was_typed_stays(client, db, typed):
    page = register(client, mobile=typed)
    assert page.status_code == 200
    assert "11 digits and starts with 1" in page.text
    assert 'value="李明"' in page.text and 'value="liming"' in page.text
    assert find_user(db, "liming") is None
    assert db.scalar(select(func.count()).select_from(MobileCode)) == 0


def test_the_number_is_required_to_register(client, db):
    page = register(client, mobile="")
    assert page.status_code == 200 and 'aria-invalid="true"' in page.text
    assert find_user(db, "liming") is None


@pytest.mark.parametrize("typed", ["+86 138 0013 8000", "86-138-0013-8000", "138 0013 8000",
                                   "＋８６１３８００１３８０００"])
def test_the_usual_ways_of_writing_a_number_are_kept_as_eleven_digits(
        app, client, db, mailing, gateway, typed):
    assert register(client, mobile=typed).status_code == 302
    assert find_user(db, "liming").mobile == "13800138000"
    assert texts_to(app, gateway, "13800138000")  # the code went to +8613800138000


def test_registering_texts_a_code_that_confirms_the_number_once(app, client, db, mailing,
                                                                 gateway):
    answer = register(client, mobile="139 0013 9000")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/mobile")
    page = client.get("/account/mobile").text
    assert "139****9000" in page and "Not confirmed yet" in page
    user = find_user(db, "liming")
    assert user.mobile == "13900139000" and user.mobile_confirmed_at is None
    code = code_to(app, gateway, "13900139000")
    (text,) = texts_to(app, gateway, "13900139000")
    assert "confirm this number" in text or "确认" in text
    # The code is stored nowhere: the row keeps a nonce and an HMAC of the code.
    row = db.scalar(select(MobileCode).where(MobileCode.user_id == user.id))
    assert code not in (row.code_hash, row.nonce)

    done = confirm(client, code)
    assert done.status_code == 302
    db.expire_all()
    assert find_user(db, "liming").mobile_confirmed_at is not None
    assert "Confirmed: 139****9000" in client.get("/account/mobile").text
    again = confirm(client, code)
    assert again.status_code == 422 and "wrong or has expired" in again.text


def test_a_wrong_code_an_expired_code_and_too_many_tries(app, client, db, mailing, gateway):
    register(client, mobile="13700137000")
    code = code_to(app, gateway, "13700137000")
    wrong = "000000" if code != "000000" else "111111"
    refused = confirm(client, wrong)
    assert refused.status_code == 422 and "wrong or has expired" in refused.text
    user = find_user(db, "liming")
    row = db.scalar(select(MobileCode).where(MobileCode.user_id == user.id))
    db.refresh(row)
    assert row.wrong_tries == 1  # counted, though the form was refused

    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    late = confirm(client, code)
    assert late.status_code == 422 and "wrong or has expired" in late.text
    db.expire_all()
    assert find_user(db, "liming").mobile_confirmed_at is None

    client.post("/account/mobile/send", data={"mobile": "13700137000"})
    fresh = code_to(app, gateway, "13700137000")
    for _ in range(CODE_TRIES - 1):
        confirm(client, wrong)
    last = confirm(client, wrong)
    assert "Too many wrong codes" in last.text
    burned = confirm(client, fresh)  # the right code, after the fifth wrong one
    assert burned.status_code == 422
    db.expire_all()
    assert find_user(db, "liming").mobile_confirmed_at is None


def test_code_requests_are_limited_per_number_and_per_hour(app, client, db, mailing, gateway,
                                                           make_user, login):
    app.config["MOBILE_CODE_RATE_LIMIT"] = "2 per hour"
    login(make_user())
    asks = [client.post("/account/mobile/send", data={"mobile": typed}).status_code
            for typed in ("13600136000", "136 0013 6000", "+86 136-0013-6000")]
    assert asks == [302, 302, 429]  # one number, however it is typed
    assert client.post("/account/mobile/send",
                       data={"mobile": "13500135000"}).status_code == 302

    # Whoever asks, a number gets three codes an hour at most (registering included).
    app.config["MOBILE_CODE_RATE_LIMIT"] = "50 per hour"
    for n in range(3):
        browser(app).post("/account/register", data={
            "username": f"many{n}", "display_name": "多", "mobile": "13300133000",
            "password": "lantern orchard seventy", "confirm": "lantern orchard seventy",
            "consent": "y"})
    told = client.post("/account/mobile/send", data={"mobile": "13300133000"},
                       follow_redirects=True)
    assert "three codes this hour" in told.text
    assert db.scalar(select(func.count()).select_from(MobileCode)
                     .where(MobileCode.number == "13300133000")) == 3
    assert len(texts_to(app, gateway, "13300133000")) == 3


def test_a_number_confirmed_by_one_account_cannot_be_confirmed_by_another(
        app, client, db, mailing, gateway):
    register(client, username="first", mobile="13200132000")
    confirm(client, code_to(app, gateway, "13200132000"))
    client.post("/account/logout")

    second = browser(app)
    assert register(second, username="second", mobile="132 0013 2000").status_code == 302
    refused = confirm(second, code_to(app, gateway, "13200132000"))
    assert refused.status_code == 422
    assert "confirmed by another account already" in refused.text
    db.expire_all()
    assert find_user(db, "second").mobile_confirmed_at is None
    assert find_user(db, "first").mobile_confirmed_at is not None
    # The database keeps it too, whatever code path writes.
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(update(User).where(User.username == "second")
                   .values(mobile="13200132000", mobile_confirmed_at=utcnow()))


def test_sign_in_with_the_confirmed_number_and_password_or_with_a_code(
        app, client, db, mailing, gateway):
    register(client, mobile="13100131000")
    before = browser(app)
    # Not confirmed yet: the number signs nobody in.
    refused = before.post("/account/login", data={"username": "13100131000",
                                                  "password": "lantern orchard seventy"})
    assert refused.status_code == 200 and "Wrong username or password" in refused.text
    confirm(client, code_to(app, gateway, "13100131000"))

    by_number = browser(app)
    assert by_number.post("/account/login", data={
        "username": "+86 131 0013 1000", "password": "lantern orchard seventy"}
    ).status_code == 302
    assert signed_in(by_number)
    by_name = browser(app)
    assert by_name.post("/account/login", data={
        "username": "liming", "password": "lantern orchard seventy"}).status_code == 302

    by_code = browser(app)
    asked = by_code.post("/account/login/code", data={"mobile": "131-0013-1000"})
    assert asked.status_code == 302
    assert "/account/login/code/enter" in asked.headers["Location"]
    form = by_code.get("/account/login/code/enter").text
    assert 'value="13100131000"' in form  # the number typed is kept
    code = code_to(app, gateway, "13100131000")
    # In the account's language (Chinese, none chosen), or English without the catalog.
    said = texts_to(app, gateway, "13100131000")[-1]
    assert code in said and ("sign in" in said or "登录验证码" in said)
    wrong = by_code.post("/account/login/code/enter", data={
        "mobile": "13100131000", "code": "999999" if code != "999999" else "888888"})
    assert wrong.status_code == 200 and "wrong or has expired" in wrong.text
    assert not signed_in(by_code)
    done = by_code.post("/account/login/code/enter", data={"mobile": "13100131000",
                                                           "code": code})
    assert done.status_code == 302 and signed_in(by_code)
    by_code.post("/account/logout")
    reused = by_code.post("/account/login/code/enter", data={"mobile": "13100131000",
                                                             "code": code})
    assert "wrong or has expired" in reused.text and not signed_in(by_code)


def test_a_code_to_sign_in_answers_the_same_for_a_number_nobody_confirmed(
        app, client, db, mailing, gateway):
    nobody = client.post("/account/login/code", data={"mobile": "13000130000"},
                         follow_redirects=True)
    assert "If an account has this confirmed number" in nobody.text
    assert texts_to(app, gateway, "13000130000") == []
    assert db.scalar(select(func.count()).select_from(MobileCode)) == 0
    malformed = client.post("/account/login/code", data={"mobile": "1300013000"})
    assert malformed.status_code == 200 and "11 digits" in malformed.text


def test_an_older_account_adds_and_confirms_a_number_on_its_account_page(
        app, client, db, mailing, gateway, make_user, login):
    user = make_user(name="老用户")
    login(user)
    page = client.get("/account/mobile").text
    assert "no confirmed mobile number" in page
    client.post("/account/mobile/send", data={"mobile": "15900159000"})
    assert confirm(client, code_to(app, gateway, "15900159000")).status_code == 302
    db.refresh(user)
    assert (user.mobile, user.mobile_confirmed_at is not None) == ("15900159000", True)
    # And signs in with it, by password.
    other = browser(app)
    assert other.post("/account/login", data={"username": "15900159000",
                                              "password": PASSWORD}).status_code == 302


def test_deleting_an_account_frees_its_number_and_forgets_its_codes(
        app, client, db, mailing, gateway):
    register(client, username="leaving", mobile="15200152000")
    confirm(client, code_to(app, gateway, "15200152000"))
    gone = find_user(db, "leaving")
    answer = client.post("/account/delete", data={"password": "lantern orchard seventy"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/account/deleted"
    db.expire_all()
    assert (gone.mobile, gone.mobile_confirmed_at) == (None, None)
    assert db.scalar(select(func.count()).select_from(MobileCode)
                     .where(MobileCode.user_id == gone.id)) == 0
    again = browser(app)
    register(again, username="back", mobile="15200152000")
    assert confirm(again, code_to(app, gateway, "15200152000")).status_code == 302
    assert find_user(db, "back").mobile_confirmed_at is not None
