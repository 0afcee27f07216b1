"""Registering, signing in and out, changing a password, and safe redirects after sign-in."""

import pytest
from sqlalchemy import select

from app.auth.passwords import verify_password
from tests.conftest import PASSWORD
from tests.functional.builders import community_place
from votes.people import User


def register(client, **fields):
    data = {"username": "liming", "display_name": "李明", "email": "", "mobile": "13800138000",
            "password": "long enough pw", "confirm": "long enough pw", "consent": "y",
            **fields}
    return client.post("/account/register", data=data, follow_redirects=True)


def test_register_creates_a_resident_and_signs_them_in(client, db):
    page = register(client)
    assert page.status_code == 200
    assert "李明" in page.text  # the name in the header: signed in
    user = db.scalar(select(User).where(User.username == "liming"))
    assert user.roles == {"resident"}
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, "long enough pw")


def test_register_keeps_what_was_typed_and_says_what_is_wrong(client, db):
    page = register(client, username="bad name!", password="short", confirm="short")
    assert page.status_code == 200
    assert 'value="李明"' in page.text  # the name typed is still there
    assert 'aria-invalid="true"' in page.text
    assert db.scalar(select(User).where(User.display_name == "李明")) is None


def test_register_refuses_a_taken_username_whatever_its_case(client, make_user):
    make_user(username="wangfang")
    page = register(client, username="WangFang")
    assert page.status_code == 200
    assert ("已被使用" in page.text) or ("already taken" in page.text)


def test_register_refuses_mismatched_passwords(client, db):
    page = register(client, confirm="something else")
    assert db.scalar(select(User).where(User.username == "liming")) is None
    assert ("两次输入的密码不一致" in page.text) or ("passwords differ" in page.text)


def test_register_escapes_markup_in_the_name(client):
    page = register(client, display_name="<script>alert(1)</script>")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_login_and_logout(client, make_user, login):
    user = make_user(name="张伟")
    response = login(user)
    assert response.status_code == 302
    assert "张伟" in client.get("/").text
    client.post("/account/logout")
    home = client.get("/").text
    assert "张伟" not in home
    assert "/account/login" in home


def test_wrong_password_is_refused_with_one_message_for_both_cases(client, make_user, login):
    user = make_user()
    wrong = login(user, "not the password")
    unknown = client.post("/account/login", data={"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 200
    for page in (wrong.text, unknown.text):
        assert ("用户名或密码错误" in page) or ("Wrong username or password" in page)
    assert user.display_name not in client.get("/").text


def test_disabled_account_cannot_sign_in(client, db, make_user, login):
    user = make_user()
    user.active = False
    db.commit()
    login(user)
    assert client.get("/resident/").status_code == 302


@pytest.mark.parametrize(
    "target, lands_on",
    [
        ("/resident/", "/resident/"),
        ("/cycles?page=2", "/cycles?page=2"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_only_goes_to_this_site(client, make_user, target, lands_on):
    user = make_user()
    response = client.post(
        "/account/login", query_string={"next": target},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on


def test_change_password(client, db, make_user, login):
    user = make_user()
    login(user)
    refused = client.post("/account/password", data={
        "current": "wrong", "password": "a new password", "confirm": "a new password"})
    assert refused.status_code == 200
    db.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)
    changed = client.post("/account/password", data={
        "current": PASSWORD, "password": "a new password", "confirm": "a new password"})
    assert changed.status_code == 302
    db.refresh(user)
    assert verify_password(user.password_hash, "a new password")
    assert not verify_password(user.password_hash, PASSWORD)


def test_login_attempts_are_rate_limited(app, client, make_user):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    user = make_user()
    statuses = [
        client.post("/account/login", data={"username": user.username, "password": "bad"})
        .status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    # Even the right password is refused while the limit holds.
    blocked = client.post("/account/login",
                          data={"username": user.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert ("尝试次数过多" in blocked.text) or ("Too many attempts" in blocked.text)


def test_rate_limit_counts_are_shared_through_redis(app, make_user):
    """With REDIS_URL the counts live in Redis, so every worker process sees the same ones."""
    import os

    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set (.ci/run sets it)")
    import redis

    redis.Redis.from_url(url).flushdb()
    user = make_user()
    app.config.update(LOGIN_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI=url)
    from app.extensions import limiter

    limiter.init_app(app)
    client = app.test_client()
    statuses = [client.post("/account/login", data={"username": user.username,
                                                     "password": "bad"}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert redis.Redis.from_url(url).keys("LIMITS:*"), "no counter was written to Redis"


def test_an_unknown_username_costs_a_password_check_too(client, make_user, monkeypatch):
    """Answering faster for names that do not exist would tell an attacker which do."""
    from app.auth import passwords

    checks = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda stored, pw: checks.append(stored) or real(stored, pw))
    client.post("/account/login", data={"username": "nobody-here", "password": "guess"})
    assert len(checks) == 1 and checks[0].startswith("$argon2id$")


def test_a_disabled_account_costs_the_same_password_check(client, db, make_user, monkeypatch):
    """A switched-off account must not answer faster than a live one (issue #16)."""
    from app.auth import passwords, routes

    user = make_user()
    user.active = False
    db.commit()
    checks = []
    real = passwords.verify_password

    def spy(stored, pw):
        checks.append(stored)
        return real(stored, pw)

    monkeypatch.setattr(passwords, "verify_password", spy)
    monkeypatch.setattr(routes, "verify_password", spy)
    for password in ("wrong guess", PASSWORD):
        page = client.post("/account/login", data={"username": user.username,
                                                   "password": password})
        assert ("用户名或密码错误" in page.text) or ("Wrong username or password" in page.text)
    assert checks == [user.password_hash, user.password_hash]


def test_a_resident_updates_their_name_and_community(client, db, make_user, login):
    community_place(db, "幸福社区")
    user = make_user(name="旧名字")
    login(user)
    page = client.get("/account/profile").text
    assert 'value="旧名字"' in page
    refused = client.post("/account/profile", data={"display_name": "  ", "community": "火星"})
    assert refused.status_code == 200 and refused.text.count('aria-invalid="true"') == 2
    client.post("/account/profile", data={"display_name": "新名字", "email": "",
                                          "community": "幸福社区"})
    db.refresh(user)
    assert (user.display_name, user.community, user.email) == ("新名字", "幸福社区", None)
    assert "新名字" in client.get("/").text


def test_behind_a_trusted_proxy_each_client_has_its_own_sign_in_limit(
        app, client, make_user, tmp_path):
    from app import create_app
    from tests.conftest import environ_for

    user = make_user()
    proxied = create_app(overrides={"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "2 per minute",
                                    "ACCOUNT_RATE_LIMIT": "100 per minute"},
                         environ=environ_for(tmp_path, YISHI_TRUSTED_PROXIES="1"))
    proxied.extensions["yishi.sessionmaker"] = app.extensions["yishi.sessionmaker"]
    proxied.extensions["yishi.writer_sessionmaker"] = app.extensions["yishi.writer_sessionmaker"]
    browser = proxied.test_client()

    def attempt(address: str) -> int:
        return browser.post("/account/login", data={"username": user.username, "password": "x"},
                            headers={"X-Forwarded-For": address}).status_code

    # nginx adds the client's address; the app sees it, so one client's mistakes are its own.
    assert [attempt("203.0.113.7") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.9") == 200


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(app, client,
                                                                            make_user):
    app.config.update(LOGIN_RATE_LIMIT="2 per minute", ACCOUNT_RATE_LIMIT="100 per minute")
    user = make_user()

    def attempt(address: str) -> int:
        return client.post("/account/login", data={"username": user.username, "password": "x"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt(f"192.0.2.{i}") for i in range(3)] == [200, 200, 429]


def test_one_account_has_a_limit_of_its_own_wherever_the_attempts_come_from(
        app, make_user, tmp_path):
    from app import create_app
    from tests.conftest import environ_for

    user, other = make_user(), make_user()
    proxied = create_app(overrides={"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100 per minute",
                                    "ACCOUNT_RATE_LIMIT": "3 per minute"},
                         environ=environ_for(tmp_path, YISHI_TRUSTED_PROXIES="1"))
    proxied.extensions["yishi.sessionmaker"] = app.extensions["yishi.sessionmaker"]
    proxied.extensions["yishi.writer_sessionmaker"] = app.extensions["yishi.writer_sessionmaker"]
    browser = proxied.test_client()

    def attempt(username: str, i: int) -> int:
        return browser.post("/account/login", data={"username": username, "password": "x"},
                            headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code

    assert [attempt(user.username.upper(), i) for i in range(4)] == [200, 200, 200, 429]
    assert attempt(other.username, 9) == 200  # another account is not held back


def test_readiness_says_what_does_not_answer(app, client):
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "database": "ok",
                                 "redis": "unavailable"}


def copy_of(app, client):
    """Another browser holding a copy of `client`'s cookies, as a thief of them would."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value, domain=cookie.domain)
    return thief


def signed_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def test_signing_out_ends_a_copied_session_cookie_too(app, client, db, make_user):
    user = make_user()
    client.post("/account/login", data={"username": user.username, "password": PASSWORD,
                                        "remember": "y"})
    thief = copy_of(app, client)
    assert signed_in(client) and signed_in(thief)
    client.post("/account/logout")
    assert not signed_in(client)
    assert not signed_in(thief)  # neither the session nor the remember-me cookie works
    # Signing in again makes a new session; the stolen one stays dead.
    client.post("/account/login", data={"username": user.username, "password": PASSWORD})
    assert signed_in(client) and not signed_in(thief)


def test_a_new_password_signs_out_every_other_session_but_this_one(app, client, db, make_user):
    user = make_user()
    client.post("/account/login", data={"username": user.username, "password": PASSWORD})
    elsewhere = copy_of(app, client)
    changed = client.post("/account/password", data={
        "current": PASSWORD, "password": "another long password",
        "confirm": "another long password"})
    assert changed.status_code == 302
    assert signed_in(client) and not signed_in(elsewhere)


def test_a_deactivated_account_is_signed_out_at_once(app, client, db, make_user):
    user = make_user()
    client.post("/account/login", data={"username": user.username, "password": PASSWORD})
    assert signed_in(client)
    user.active = False
    db.commit()
    assert not signed_in(client)


def test_the_password_check_holds_no_write_lock_on_sqlite(tmp_path, monkeypatch):
    """A burst of sign-ins on SQLite must not queue on the one write lock for argon2's time."""
    import sqlite3

    from app import create_app
    from app.auth import routes
    from app.auth.passwords import hash_password
    from app.migrate import upgrade
    from tests.conftest import environ_for
    from votes.people import register_user

    url = f"sqlite:///{tmp_path / 'sign-in.db'}"
    upgrade(url)
    app = create_app(overrides={"WTF_CSRF_ENABLED": False},
                     environ=environ_for(tmp_path, DATABASE_URL=url))
    with app.extensions["yishi.sessionmaker"]() as session:
        register_user(session, username="zhaolei", display_name="赵磊",
                      password_hash=hash_password(PASSWORD))
        session.commit()
    seen = []

    def checking(stored, password):
        # Another writer tries the lock at once (timeout 0) while the password is checked.
        other = sqlite3.connect(tmp_path / "sign-in.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as error:
            seen.append(str(error))
        finally:
            other.close()
        return verify_password(stored, password)

    monkeypatch.setattr(routes, "verify_password", checking)
    browser = app.test_client()
    signed_in = browser.post("/account/login", data={"username": "zhaolei", "password": PASSWORD},
                             follow_redirects=True)
    assert seen == ["free"]
    assert "赵磊" in signed_in.text
    app.extensions["yishi.engine"].dispose()


def test_a_hash_with_old_parameters_is_renewed_at_sign_in(client, db, make_user):
    from argon2 import PasswordHasher

    user = make_user()
    old = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    user.password_hash = old
    db.commit()
    page = client.post("/account/login", data={"username": user.username, "password": PASSWORD},
                       follow_redirects=True)
    assert user.display_name in page.text
    db.expire_all()
    renewed = db.get(User, user.id).password_hash
    assert renewed != old and verify_password(renewed, PASSWORD)
