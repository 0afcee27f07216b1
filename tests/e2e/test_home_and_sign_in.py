"""A real browser: the home page in both languages on a phone-sized screen, sign in, sign out."""

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from votes.people import Role, register_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def resident(live_app):
    with live_app.app_context():
        session = get_session()
        register_user(session, username="e2e-resident", display_name="浏览器测试居民",
                      password_hash=hash_password("browser password"), roles=(Role.RESIDENT,))
        session.commit()
    return {"username": "e2e-resident", "password": "browser password"}


def test_home_page_in_chinese_then_english(page, live_server):
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "民生实事，由人民代表票决"
    # On a phone the menu is folded; it opens with a tap.
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="English", exact=True).click()
    page.wait_for_url(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "decided by the people’s representatives" in page.locator("h1").inner_text()
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_overflow, "the page is wider than a 375 px phone"


def test_sign_in_and_sign_out(page, live_server, resident):
    page.goto(live_server + "/account/login")
    page.get_by_label("用户名").fill(resident["username"])
    page.get_by_label("密码").fill("not it")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误。")).to_be_visible()
    assert page.get_by_label("用户名").input_value() == resident["username"]

    page.get_by_label("密码").fill(resident["password"])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_text("欢迎，浏览器测试居民。")).to_be_visible()

    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(live_server + "/")
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.get_by_role("button", name="菜单").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_pages_load_without_csp_violations_or_script_errors(page, live_server):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    for path in ("/", "/cycles", "/assemblies", "/account/register"):
        page.goto(live_server + path)
    assert errors == []
