"""A real browser: a delegate marks a ballot, reviews it, casts it and keeps the receipt."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from votes.casting import create_ballot, open_ballot
from votes.people import Assembly, Role, add_member, register_user
from votes.rules import BallotRules

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ballot_id(live_app):
    with live_app.app_context():
        db = get_session()
        teller = register_user(db, username="e2e-teller", display_name="计票员",
                               password_hash=hash_password("teller password"),
                               roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="浏览器票决人大", area="浏览器区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        for i in range(3):
            delegate = register_user(db, username=f"e2e-delegate{i}", display_name=f"浏览器代表{i}",
                                     password_hash=hash_password("delegate password"),
                                     roles=(Role.DELEGATE,))
            add_member(db, assembly, delegate, teller, joined_on=date(2024, 1, 1))
        db.commit()
        ballot = create_ballot(db, teller, assembly, "motion", None, "浏览器测试票决",
                               BallotRules(seats=1),
                               [{"title": "加装电梯", "cost": 1_000_000, "unit": "区住建委"},
                                {"title": "口袋公园", "cost": 800_000, "unit": "区园林局"}])
        db.commit()
        open_ballot(db, teller, ballot)
        db.commit()
        return ballot.id


def test_a_delegate_casts_a_ballot_and_gets_a_receipt(page, live_server, ballot_id):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/account/login")
    page.get_by_label("用户名").fill("e2e-delegate0")
    page.get_by_label("密码").fill("delegate password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")
    page.goto(live_server + "/delegate/")
    page.get_by_role("link", name="浏览器测试票决").click()
    page.get_by_role("group", name="1. 加装电梯").get_by_label("赞成").check()
    page.get_by_role("group", name="2. 口袋公园").get_by_label("反对").check()
    page.get_by_role("button", name="核对我的选票").click()
    expect(page.get_by_role("heading", name="核对您的选票")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="加装电梯")).to_contain_text("赞成")
    ahead = page.locator("#receipt-code").inner_text()  # known before anything is recorded
    page.get_by_role("button", name="投出选票").click()
    expect(page.get_by_role("heading", name="您的投票已记录")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt) == 12 and receipt.count("-") == 2 and receipt == ahead
    page.emulate_media(media="print")  # printed, the receipt stands alone
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#receipt")).to_be_visible()
    page.emulate_media(media="screen")
    page.goto(f"{live_server}/delegate/ballots/{ballot_id}")
    expect(page.get_by_text("您的投票已记录，不能更改")).to_be_visible()
    page.goto(f"{live_server}/ballots/{ballot_id}")
    expect(page.get_by_text("已投票：1 / 3 名代表")).to_be_visible()
    assert errors == []
