"""A real browser (Debian's chromium): a mixed paper + electronic ballot is counted and verified.

The teller marks a paper-taker on the desk's roster, two delegates vote electronically, the
paper-taker's screen says they vote on paper, the teller enters the paper count (refused
first: more found than handed out), publishes, and the check page's in-browser recount of
bulletin.json says the count matches.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from votes import mixed
from votes.casting import create_ballot, open_ballot
from votes.people import Assembly, Role, add_member, register_user
from votes.rules import BallotRules

pytestmark = pytest.mark.e2e
PASSWORD = "mixed ballot password"
OPTIONS = ["加装电梯", "口袋公园"]


@pytest.fixture(scope="module")
def mixed_ballot(live_app):
    with live_app.app_context():
        db = get_session()
        clerk = register_user(db, username="e2e-mixed-clerk", display_name="混合计票员",
                              password_hash=hash_password(PASSWORD),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="混合票决人大", area="混合区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        for i in range(3):
            delegate = register_user(db, username=f"e2e-mixed{i}", display_name=f"混合代表{i}",
                                     password_hash=hash_password(PASSWORD),
                                     roles=(Role.DELEGATE,))
            add_member(db, assembly, delegate, clerk, joined_on=date(2024, 1, 1))
        db.commit()
        ballot = create_ballot(db, clerk, assembly, "motion", None, "纸电混合票决",
                               BallotRules(seats=1), [{"title": t, "cost": 0} for t in OPTIONS])
        db.commit()
        mixed.choose_mode(db, clerk, ballot, "mixed")
        db.commit()
        open_ballot(db, clerk, ballot)
        db.commit()
        return ballot.id


def sign_in(page, live_server, username):
    page.goto(live_server + "/account/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/")


def vote_on_screen(watched, live_server, ballot_id, username, marks):
    voter = watched(viewport={"width": 375, "height": 740}, locale="en-US")
    sign_in(voter, live_server, username)
    voter.goto(f"{live_server}/delegate/ballots/{ballot_id}")
    for number, (title, mark) in enumerate(zip(OPTIONS, marks, strict=True), start=1):
        voter.get_by_role("group", name=f"{number}. {title}").get_by_label(mark).check()
    voter.get_by_role("button", name="Review my ballot").click()
    voter.get_by_role("button", name="Cast my ballot").click()
    expect(voter.locator("#receipt")).to_be_visible()


def test_a_mixed_paper_and_electronic_ballot_is_counted_and_verified(watched, live_server,
                                                                     mixed_ballot):
    ballot_id = mixed_ballot
    desk = watched(viewport={"width": 1280, "height": 900}, locale="en-US")
    sign_in(desk, live_server, "e2e-mixed-clerk")
    desk.goto(f"{live_server}/official/ballots/{ballot_id}")
    expect(desk.get_by_text("Paper and electronic", exact=True)).to_be_visible()
    desk.get_by_role("button", name="Give 混合代表2 a paper ballot").click()
    expect(desk.get_by_text("混合代表2 took a paper ballot")).to_be_visible()
    expect(desk.get_by_role("row", name="混合代表2")).to_contain_text("Took a paper ballot")

    vote_on_screen(watched, live_server, ballot_id, "e2e-mixed0", ["Yes", "No"])
    vote_on_screen(watched, live_server, ballot_id, "e2e-mixed1", ["Yes", "Yes"])
    taker = watched(viewport={"width": 375, "height": 740}, locale="en-US")
    sign_in(taker, live_server, "e2e-mixed2")
    taker.goto(f"{live_server}/delegate/ballots/{ballot_id}")
    expect(taker.locator("#took-paper")).to_contain_text("You took a paper ballot")
    expect(taker.get_by_role("button", name="Review my ballot")).to_have_count(0)

    desk.goto(f"{live_server}/official/ballots/{ballot_id}")
    expect(desk.get_by_role("row", name="混合代表0")).to_contain_text("Voted electronically")
    desk.get_by_role("link", name="Enter the paper count and close…").click()
    expect(desk.locator("#paper-issued")).to_have_text("1")
    expect(desk.locator("#electronic-cast")).to_have_text("2")
    desk.get_by_label("Paper ballots found in the box").fill("2")
    for title, marks in zip(OPTIONS, [("1", "0", "0"), ("0", "1", "0")], strict=True):
        for label, value in zip(("Yes", "No", "Abstain"), marks, strict=True):
            desk.get_by_label(f"{title}: {label}").fill(value)
    desk.get_by_label("I have read what will happen and want to go ahead.").check()
    desk.get_by_role("button", name="Record the paper count and close").click()
    expect(desk.locator("#count-errors")).to_contain_text(
        "2 paper ballots found in the box, but only 1 were handed out")
    expect(desk.get_by_label("Paper ballots found in the box")).to_have_value("2")
    expect(desk.get_by_label(f"{OPTIONS[0]}: Yes")).to_have_value("1")
    desk.get_by_label("Paper ballots found in the box").fill("1")
    desk.get_by_label("I have read what will happen and want to go ahead.").check()
    desk.get_by_role("button", name="Record the paper count and close").click()
    expect(desk.get_by_text("The paper count is recorded; the ballot is closed and counted.")
           ).to_be_visible()
    expect(desk.locator("#split-figures")).to_contain_text(
        "Electronic ballots: 2 · paper ballots found in the box: 1 (1 handed out)")
    desk.get_by_role("link", name="Publish the result and bulletin…").click()
    desk.locator("input[name=confirm]").check()
    desk.get_by_role("button", name="Publish the result and bulletin").click()
    expect(desk.get_by_text("The result and bulletin are published")).to_be_visible()

    public = watched(viewport={"width": 390, "height": 844}, locale="en-US")
    public.goto(f"{live_server}/ballots/{ballot_id}")
    split = public.locator("#ballot-split")
    expect(split.get_by_role("row", name=OPTIONS[0])).to_contain_text("2 / 0 / 0")
    expect(split.get_by_role("row", name=OPTIONS[0])).to_contain_text("3 / 0 / 0")
    public.get_by_role("link", name="how to check this count").click()
    public.get_by_role("button", name="Check the count now").click()
    outcome = public.locator("#check-outcome")
    expect(outcome).to_contain_text("The count matches: the 2 electronic ballots", timeout=10_000)
    expect(outcome).to_contain_text("the 1 paper ballots found in the box")
    expect(outcome).to_have_class("check-outcome matches")
