"""The in-browser check of a count, in Debian's chromium: on the demo's published ballot it
recounts bulletin.json and says the count matches; served an altered bulletin (Playwright
intercepts the download), it says the count does not match, and why."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.db import get_session

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def published(demo_server):
    from votes.ballots import Ballot

    base, app = demo_server
    with app.app_context():
        ballot_id = get_session().scalar(select(Ballot.id).where(
            Ballot.status == "published", Ballot.subject_type == "cycle").order_by(Ballot.id))
    return base, ballot_id


@pytest.fixture(scope="module")
def every_published(demo_server):
    from votes.ballots import Ballot

    base, app = demo_server
    with app.app_context():
        ids = get_session().scalars(select(Ballot.id).where(Ballot.status == "published")
                                    .order_by(Ballot.id)).all()
    return base, ids


def open_check(watched, base, ballot_id, locale="en-US"):
    page = watched(viewport={"width": 390, "height": 844}, locale=locale)
    page.goto(f"{base}/ballots/{ballot_id}")
    page.get_by_role("link", name="how to check this count" if locale == "en-US"
                     else "如何核对本次计票").click()
    expect(page.get_by_role("heading", name="How to check this count" if locale == "en-US"
                            else "如何核对本次计票", level=1)).to_be_visible()
    return page


def test_the_published_count_matches(watched, published):
    base, ballot_id = published
    page = open_check(watched, base, ballot_id)
    page.get_by_role("button", name="Check the count now").click()
    outcome = page.locator("#check-outcome")
    expect(outcome).to_contain_text("The count matches", timeout=10_000)
    expect(outcome).to_have_class("check-outcome matches")
    expect(outcome).not_to_contain_text("does not match")


def test_an_altered_bulletin_does_not_match(watched, published):
    base, ballot_id = published
    page = open_check(watched, base, ballot_id)

    def altered(route):
        doc = route.fetch().json()
        ballot = next(b for b in doc["ballots"] if "yes" in b["choices"].values())
        key = next(k for k, mark in ballot["choices"].items() if mark == "yes")
        ballot["choices"][key] = "no"  # one mark changed, nothing else
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps(doc, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")))

    page.route("**/bulletin.json", altered)
    page.get_by_role("button", name="Check the count now").click()
    outcome = page.locator("#check-outcome")
    expect(outcome).to_contain_text("The count does not match", timeout=10_000)
    expect(outcome).to_have_class("check-outcome differs")
    expect(outcome).to_contain_text("fingerprint does not match its marks")
    expect(outcome).to_contain_text("its digest differs")
    expect(outcome).to_contain_text("counted again")


def test_every_published_demo_ballot_matches(watched, every_published):
    """The script's count is the engine's on every kind the demo publishes: the cycles' secret
    ballots with their budgets and seats, the council's motions, a roll call."""
    base, ids = every_published
    assert len(ids) >= 5
    page = watched(viewport={"width": 1366, "height": 900}, locale="en-US")
    for ballot_id in ids:
        page.goto(f"{base}/ballots/{ballot_id}/check")
        page.get_by_role("button", name="Check the count now").click()
        expect(page.locator("#check-outcome")).to_contain_text("The count matches",
                                                               timeout=10_000)


@pytest.fixture(scope="module")
def paper_ballot(live_app):
    """A paper ballot counted by hand and published, on the live server's own database."""
    from datetime import date

    from app.auth.passwords import hash_password
    from votes.casting import create_ballot, open_ballot
    from votes.closing import enter_paper_totals, publish_ballot
    from votes.people import Assembly, Role, add_member, register_user
    from votes.rules import BallotRules

    with live_app.app_context():
        db = get_session()
        clerk = register_user(db, username="e2e-paper-clerk", display_name="纸票计票员",
                              password_hash=hash_password("clerk password"),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="纸质票决人大", area="纸质区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        for i in range(5):
            delegate = register_user(db, username=f"e2e-paper{i}", display_name=f"纸票代表{i}",
                                     password_hash="!", roles=(Role.DELEGATE,))
            add_member(db, assembly, delegate, clerk, joined_on=date(2024, 1, 1))
        db.commit()
        ballot = create_ballot(db, clerk, assembly, "motion", None, "纸质票决",
                               BallotRules(seats=1),
                               [{"title": "加装电梯", "cost": 0}, {"title": "口袋公园", "cost": 0}])
        db.commit()
        open_ballot(db, clerk, ballot)
        db.commit()
        first, second = (o.id for o in ballot.options)
        enter_paper_totals(db, clerk, ballot, {first: (4, 1, 0), second: (2, 2, 1)},
                           ballots_cast=5, present=5)
        publish_ballot(db, clerk, ballot)
        db.commit()
        return ballot.id


def test_a_paper_count_matches_its_totals(watched, live_server, paper_ballot):
    page = watched(locale="en-US")
    page.goto(f"{live_server}/ballots/{paper_ballot}/check")
    page.get_by_role("button", name="Check the count now").click()
    expect(page.locator("#check-outcome")).to_contain_text(
        "the paper totals in the bulletin give exactly the published result", timeout=10_000)
