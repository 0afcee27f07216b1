"""A real browser on the hall's big screen: turnout counts up as delegates cast, and the
published result appears in rank order, without anyone touching the projector."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from votes.ballots import Ballot
from votes.casting import cast_ballot, create_ballot, open_ballot
from votes.closing import close_ballot, publish_ballot
from votes.people import Assembly, Role, add_member, register_user
from votes.rules import BallotRules

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def hall(live_app):
    """An open roll-call ballot (not sealed) of four delegates on two candidates."""
    with live_app.app_context():
        db = get_session()
        clerk = register_user(db, username="e2e-screen-clerk", display_name="大屏工作人员",
                              password_hash=hash_password("browser password"),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="大屏测试区人大", area="大屏区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        delegates = [register_user(db, username=f"e2e-screen-d{i}", display_name=f"大屏代表{i}",
                                   password_hash="!", roles=(Role.DELEGATE,)) for i in range(4)]
        db.flush()
        for delegate in delegates:
            add_member(db, assembly, delegate, clerk, joined_on=date(2024, 1, 1))
        ballot = create_ballot(db, clerk, assembly, "cycle", 99, "大屏幕测试票决",
                               BallotRules(seats=1, secret=False),
                               [{"title": "口袋公园", "cost": 100, "unit": "区园林局"},
                                {"title": "社区食堂", "cost": 100, "unit": "区民政局"}])
        open_ballot(db, clerk, ballot, on=date.today())
        db.commit()
        return ballot.id, clerk.id, [d.id for d in delegates]


def cast(live_app, ballot_id, delegate_id, yes_index):
    with live_app.app_context():
        db = get_session()
        ballot = db.get(Ballot, ballot_id)
        ids = [o.id for o in ballot.options]
        from votes.people import User

        cast_ballot(db, ballot_id, db.get(User, delegate_id),
                    {str(o): ("yes" if i == yes_index else "no") for i, o in enumerate(ids)})
        db.commit()


def test_the_screen_counts_the_turnout_and_then_shows_the_published_result(
        watched, live_server, live_app, hall):
    ballot_id, clerk_id, delegates = hall
    screen = watched(viewport={"width": 1920, "height": 1080})
    screen.goto(f"{live_server}/ballots/{ballot_id}/screen")
    expect(screen.locator("#screen-entitled")).to_have_text("4")
    expect(screen.locator("#screen-cast")).to_have_text("0")

    cast(live_app, ballot_id, delegates[0], 1)
    cast(live_app, ballot_id, delegates[1], 1)
    expect(screen.locator("#screen-cast")).to_have_text("2", timeout=5000)
    expect(screen.locator(".adopted")).to_have_count(0)  # nothing partial while open

    cast(live_app, ballot_id, delegates[2], 1)
    cast(live_app, ballot_id, delegates[3], 0)
    expect(screen.locator("#screen-cast")).to_have_text("4", timeout=5000)
    with live_app.app_context():
        db = get_session()
        from votes.people import User

        clerk = db.get(User, clerk_id)
        close_ballot(db, clerk, db.get(Ballot, ballot_id))
        db.commit()
        publish_ballot(db, clerk, db.get(Ballot, ballot_id))
        db.commit()
    # The screen notices the publication by itself and shows the adopted project first.
    expect(screen.locator(".adopted .title").first).to_have_text("社区食堂", timeout=6000)
    expect(screen.locator(".adopted li")).to_have_count(1)
    expect(screen.locator(".check img")).to_be_visible()
    assert screen.evaluate("document.querySelector('.check img').naturalWidth") > 0
    expect(screen.locator(".figures")).to_contain_text("1 / 1")
