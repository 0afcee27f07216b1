"""A real browser: tellers seal a congress ballot at opening and open its box at closing."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from votes.casting import create_ballot
from votes.people import Assembly, Role, add_member, register_user
from votes.rules import BallotRules

pytestmark = pytest.mark.e2e
PASSWORD = "browser password"
PHRASES = ["甲监票人的很长很长的口令", "second teller phrase", "third teller phrase"]


@pytest.fixture(scope="module")
def sealed(live_app):
    with live_app.app_context():
        db = get_session()
        clerk = register_user(db, username="e2e-clerk", display_name="票决工作人员",
                              password_hash=hash_password(PASSWORD),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        tellers = [register_user(db, username=f"e2e-sealer{i}", display_name=name,
                                 password_hash=hash_password(PASSWORD), roles=(Role.OFFICIAL,))
                   for i, name in enumerate(["监票人甲", "监票人乙", "监票人丙"])]
        assembly = Assembly(kind="congress", name="浏览器密封人大", area="密封区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        voter = register_user(db, username="e2e-voter", display_name="密封代表",
                              password_hash=hash_password(PASSWORD), roles=(Role.DELEGATE,))
        db.flush()
        add_member(db, assembly, voter, clerk, joined_on=date(2024, 1, 1))
        ballot = create_ballot(db, clerk, assembly, "cycle", 1, "密封票箱测试票决",
                               BallotRules(seats=1),
                               [{"title": "社区食堂", "cost": 500_000, "unit": "区民政局"}])
        db.commit()
        return ballot.id, [t.id for t in tellers]


def sign_in(page, live_server, username):
    page.goto(live_server + "/account/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")


def test_tellers_seal_the_box_a_delegate_votes_and_two_tellers_open_it(
        browser, live_server, sealed):
    ballot_id, teller_ids = sealed
    errors = []
    desk_context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    desk = desk_context.new_page()
    # A refused form answers 422, which chromium logs; anything else would be a fault.
    desk.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and "422" not in m.text else None)
    sign_in(desk, live_server, "e2e-clerk")
    desk.goto(f"{live_server}/official/ballots/{ballot_id}")
    for row, (name, phrase) in enumerate(zip(["监票人甲", "监票人乙", "监票人丙"], PHRASES,
                                              strict=True), start=1):
        desk.get_by_label(f"监票人 {row}", exact=True).select_option(label=name)
        desk.locator(f"#passphrase-{row}").fill(phrase)
        desk.locator(f"#repeat-{row}").fill(phrase)
    desk.get_by_label("开启票箱所需监票人人数").select_option("2")
    desk.get_by_role("button", name="开始投票").click()
    expect(desk.get_by_text("票箱已为监票人密封")).to_be_visible()
    expect(desk.get_by_text("以下监票人中任意 2 位输入各自的口令")).to_be_visible()

    voter_context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    voter = voter_context.new_page()
    sign_in(voter, live_server, "e2e-voter")
    voter.goto(f"{live_server}/delegate/ballots/{ballot_id}")
    voter.get_by_role("group", name="1. 社区食堂").get_by_label("赞成").check()
    voter.get_by_role("button", name="核对我的选票").click()
    voter.get_by_role("button", name="投出选票").click()
    receipt = voter.locator("#receipt").inner_text()
    voter_context.close()

    desk.goto(f"{live_server}/official/ballots/{ballot_id}")
    desk.get_by_label("监票人甲").fill(PHRASES[0])
    desk.get_by_label("监票人丙").fill("not the third phrase")
    desk.get_by_role("button", name="结束投票并计票").click()
    expect(desk.get_by_text("监票人丙的口令打不开其所持的密钥份额")).to_be_visible()
    desk.get_by_label("监票人甲").fill(PHRASES[0])
    desk.get_by_label("监票人丙").fill(PHRASES[2])
    desk.get_by_role("button", name="结束投票并计票").click()
    expect(desk.get_by_text("监票人已开启票箱，投票已结束并完成计票。")).to_be_visible()
    expect(desk.get_by_role("row", name="1 社区食堂").first).to_be_visible()
    desk_context.close()
    assert len(receipt) == 12 and errors == []
