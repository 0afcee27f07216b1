"""A real browser: a resident sees similar proposals while typing, submits one, and the
public hot-topics page draws its charts under the strict CSP."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from tests.functional.builders import community_place
from votes.people import Assembly, Role, register_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def collecting(live_app):
    with live_app.app_context():
        db = get_session()
        admin = register_user(db, username="e2e-admin", display_name="管理员",
                              password_hash=hash_password("x" * 12), roles=(Role.ADMIN,))
        resident = register_user(db, username="e2e-proposer", display_name="提议居民",
                                 password_hash=hash_password("proposer password"),
                                 roles=(Role.RESIDENT,))
        assembly = Assembly(kind="congress", name="浏览器区人大", area="浏览器区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        db.add(assembly)
        cycle = create_cycle(db, admin, assembly=assembly, title="2027年度浏览器测试项目",
                             year=2027, dates={s: date(2027, 1 + i, 1)
                                               for i, s in enumerate(Stage)})
        submit_proposal(db, resident, cycle, ProposalDraft(
            title="老旧小区加装电梯", description="六层楼没有电梯。", category="housing",
            community=community_place(db, "和平社区")))
        # Two streets' communities to choose from, so the street list shows.
        community_place(db, "幸福社区", street="长江街道")
        community_place(db, "光明社区", street="黄河街道")
        db.commit()
        return cycle.id


def test_a_resident_is_shown_similar_proposals_and_submits_one(page, live_server, collecting):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/account/login")
    page.get_by_label("用户名").fill("e2e-proposer")
    page.get_by_label("密码").fill("proposer password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")
    page.goto(f"{live_server}/resident/cycles/{collecting}/propose")
    page.get_by_label("名称").fill("为我们小区加装电梯")
    suggestion = page.locator("#similar a", has_text="老旧小区加装电梯")
    suggestion.wait_for(timeout=5000)
    page.get_by_label("具体需求和理由").fill("老人上下楼很困难，希望加装电梯。")
    page.get_by_label("类别").select_option("housing")
    # The street list (static/js/places.js) narrows the communities to its own.
    page.locator("#community-street").select_option(label="长江街道")
    page.locator("#community").select_option("幸福社区")
    page.get_by_role("button", name="提交建议").click()
    page.wait_for_url("**/proposals/*")
    assert page.locator("h1").inner_text() == "为我们小区加装电梯"
    expect(page.get_by_text("感谢您的建议！")).to_be_visible()
    assert errors == []


def test_hot_topics_charts_are_drawn_without_csp_errors(page, live_server, collecting):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning")
            else None)
    page.goto(live_server + "/hot-topics")
    page.locator(".chart.chart-drawn").first.wait_for(timeout=10000)
    assert page.locator(".chart.chart-drawn").count() == 4
    assert page.locator(".chart-unavailable").count() == 0
    assert [e for e in errors if "Content Security Policy" in e or "CSP" in e] == []
