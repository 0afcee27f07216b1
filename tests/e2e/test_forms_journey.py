"""A real browser: a form refused whole (413) is left with the draft still in it, a text
cannot be typed past its limit, and a refused form opens on its summary of problems."""

from datetime import date

import pytest

from app.auth.passwords import hash_password
from app.db import get_session
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from tests.functional.builders import community_place
from votes.people import Assembly, Role, register_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def collecting(live_app):
    with live_app.app_context():
        db = get_session()
        admin = register_user(db, username="e2e-forms-admin", display_name="管理员",
                              password_hash=hash_password("x" * 12), roles=(Role.ADMIN,))
        register_user(db, username="e2e-drafter", display_name="起草居民",
                      password_hash=hash_password("drafter password"), roles=(Role.RESIDENT,))
        assembly = Assembly(kind="congress", name="表单区人大", area="表单区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        db.add(assembly)
        for name in ("和平社区", "幸福社区"):
            community_place(db, name)  # the list of places the form offers
        cycle = create_cycle(db, admin, assembly=assembly, title="2027年度表单测试项目",
                             year=2027, dates={s: date(2027, 1 + i, 1)
                                               for i, s in enumerate(Stage)})
        db.commit()
        return cycle.id


def sign_in(page, live_server):
    page.goto(live_server + "/lang/en")
    page.goto(live_server + "/account/login")
    page.get_by_label("Username").fill("e2e-drafter")
    page.get_by_label("Password").fill("drafter password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/")


def test_a_text_stops_at_its_limit_and_a_refused_form_opens_on_its_summary(
    page, live_server, collecting
):
    sign_in(page, live_server)
    page.goto(f"{live_server}/resident/cycles/{collecting}/propose")
    title = page.locator("#title")
    title.fill("长" * 120)
    assert len(title.input_value()) == 80  # the browser stops at maxlength
    description = page.locator("#description")
    description.fill("老人上下楼很困难。")
    assert "of 2,000 characters" in page.locator("#description-count").inner_text()
    page.get_by_role("button", name="Submit proposal").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary.get_by_role("link", name="Please choose “Category”.").click()
    assert page.evaluate("document.activeElement.id") == "category"
    assert page.locator("#description").input_value() == "老人上下楼很困难。"


def test_after_a_413_the_back_button_finds_the_draft_still_typed(page, live_server, collecting,
                                                                live_app):
    sign_in(page, live_server)
    page.goto(f"{live_server}/resident/cycles/{collecting}/propose")
    page.locator("#title").fill("为我们小区加装电梯")
    page.locator("#community").select_option("幸福社区")
    # Only a body over the whole request limit is refused unread; typing cannot make one
    # (maxlength), so the script sets it, as a paste tool might.
    limit = live_app.config["MAX_CONTENT_LENGTH"]
    page.evaluate("n => { const d = document.getElementById('description');"
                  " d.removeAttribute('maxlength'); d.value = 'x'.repeat(n); }", limit + 1)
    page.get_by_role("button", name="Submit proposal").click()
    page.wait_for_load_state()
    assert "The upload is too large" in page.content()
    page.get_by_role("button", name="Go back to the form").click()
    page.wait_for_url(f"**/resident/cycles/{collecting}/propose")
    page.locator("#title").wait_for()
    assert page.locator("#title").input_value() == "为我们小区加装电梯"
    assert page.locator("#community").input_value() == "幸福社区"
