"""CSRF on every form, strict security headers, safe cookies, escaped output."""

from sqlalchemy import select

from app import create_app
from tests.conftest import PASSWORD, csrf_token, environ_for
from votes.people import User


def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def test_a_form_posted_without_its_csrf_token_is_refused(app, db):
    client = csrf_client(app)
    response = client.post("/account/register", data={
        "username": "nocsrf", "display_name": "无令牌", "password": "long enough pw",
        "confirm": "long enough pw"})
    assert response.status_code == 400
    assert db.scalar(select(User).where(User.username == "nocsrf")) is None


def test_a_form_with_a_forged_token_is_refused_and_one_with_the_real_token_passes(
    app, make_user
):
    client = csrf_client(app)
    user = make_user()
    forged = client.post("/account/login", data={
        "username": user.username, "password": PASSWORD, "csrf_token": "forged"})
    assert forged.status_code == 400
    token = csrf_token(client.get("/account/login").text)
    real = client.post("/account/login", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert real.status_code == 302


def test_sign_out_needs_the_token_too(app, make_user):
    client = csrf_client(app)
    user = make_user(name="退出测试")
    token = csrf_token(client.get("/account/login").text)
    client.post("/account/login", data={
        "username": user.username, "password": PASSWORD, "csrf_token": token})
    assert client.post("/account/logout").status_code == 400
    assert "退出测试" in client.get("/").text
    token = csrf_token(client.get("/").text)
    client.post("/account/logout", data={"csrf_token": token})
    assert "退出测试" not in client.get("/").text


def test_every_page_sends_a_default_deny_content_security_policy(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script(client):
    for path in ("/", "/account/login", "/account/register", "/cycles", "/assemblies"):
        html = client.get(path).text
        assert "<script>" not in html and "onclick" not in html, path


def test_session_cookie_is_httponly_and_lax(client, make_user, login):
    response = login(make_user())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run on plain http


def test_production_sends_secure_cookies_and_hsts(tmp_path):
    app = create_app(environ=environ_for(
        tmp_path, YISHI_ENV="production", SECRET_KEY="p" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}"))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz", base_url="https://localhost")
    assert "max-age" in response.headers["Strict-Transport-Security"]
    plain = app.test_client().get("/healthz", base_url="http://localhost")
    assert plain.status_code == 302 and plain.headers["Location"].startswith("https://")


def test_autoescaping_is_on_for_every_template(app):
    template = app.jinja_env.from_string("{{ value }}")
    assert app.jinja_env.autoescape("page.html")
    assert template.render(value="<b>") == "&lt;b&gt;"
