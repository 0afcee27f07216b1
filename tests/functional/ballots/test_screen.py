"""The hall's big screen: turnout while open, nothing partial, the result once published."""

from __future__ import annotations

import io
import re

import pytest
import segno

from tests.functional.builders import (
    cast_all,
    new_ballot,
    option_ids,
    seat_delegates,
    unlock_all,
)
from votes import hall
from votes.ballots import BallotResult
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules


@pytest.fixture
def seated(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 5)


@pytest.fixture
def ballot(db, official, assembly, seated):
    return new_ballot(db, official, assembly, rules=BallotRules(seats=2, budget_cap=9_000_000),
                      costs=[3_000_000, 2_000_000, 1_000_000])


def counts(page: str) -> dict[str, int]:
    return {name: int(re.search(rf'id="screen-{name}">(\d+)<', page).group(1))
            for name in ("entitled", "present", "cast")}


def marks(ballot, yes: set[int]):
    ids = option_ids(ballot)
    return lambda i: {str(o): ("yes" if k in yes else "no") for k, o in enumerate(ids)}


def test_while_open_the_screen_shows_the_live_turnout_and_no_result(client, db, ballot, seated):
    page = client.get(f"/ballots/{ballot.id}/screen")
    assert page.status_code == 200
    assert counts(page.text) == {"entitled": 5, "present": 0, "cast": 0}
    assert "民生项目1" not in page.text  # no option, so no partial result either
    assert f'data-source="/ballots/{ballot.id}/screen.json"' in page.text

    cast_all(db, ballot, seated[:3], marks(ballot, {0}))
    data = client.get(f"/ballots/{ballot.id}/screen.json").get_json()
    assert data == {"showing": "turnout", "status": "open", "entitled": 5, "present": 3,
                    "cast": 3}
    assert counts(client.get(f"/ballots/{ballot.id}/screen").text)["cast"] == 3


def test_the_result_cannot_be_switched_on_before_it_is_published(client, db, login, official,
                                                                ballot, seated):
    login(official)
    refused = client.post(f"/official/ballots/{ballot.id}/screen", data={"showing": "result"},
                          follow_redirects=True)
    assert "只有在结果公布后" in refused.text
    assert hall.screen_state(db, ballot).showing == hall.Showing.TURNOUT

    cast_all(db, ballot, seated, marks(ballot, {0, 1}))
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    # Closed, counted, not yet published: the count stays off the screen.
    page = client.get(f"/ballots/{ballot.id}/screen")
    assert counts(page.text)["cast"] == 5
    assert "民生项目1" not in page.text
    assert "结果公布后" in page.text


def test_officials_switch_the_screen_and_no_one_else_may(client, db, login, official, ballot,
                                                         seated):
    login(seated[0])
    assert client.post(f"/official/ballots/{ballot.id}/screen",
                       data={"showing": "title"}).status_code == 403
    client.post("/account/logout")
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}")
    assert "大屏幕" in desk.text and f"/ballots/{ballot.id}/screen" in desk.text
    switched = client.post(f"/official/ballots/{ballot.id}/screen", data={"showing": "title"},
                           follow_redirects=True)
    assert "大屏幕现在显示" in switched.text
    page = client.get(f"/ballots/{ballot.id}/screen")
    assert "showing-title" in page.text and "screen-cast" not in page.text
    assert client.get(f"/ballots/{ballot.id}/screen.json").get_json()["showing"] == "title"


def test_after_publication_the_adopted_projects_in_rank_order_with_the_qr_code(
        client, db, official, ballot, seated):
    ids = option_ids(ballot)
    # Option 3 gets 5 yes, option 2 gets 4, option 1 gets 3: all pass, two seats.
    yes_for = [{0, 1, 2}, {1, 2}, {0, 1, 2}, {1, 2, 0}, {2}]
    cast_all(db, ballot, seated, lambda i: {str(o): ("yes" if k in yes_for[i] else "no")
                                            for k, o in enumerate(ids)})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()

    page = client.get(f"/ballots/{ballot.id}/screen").text
    adopted = re.search(r'<ol class="adopted">(.*?)</ol>', page, re.S).group(1)
    titles = re.findall(r'class="title" dir="auto">([^<]+)<', adopted)
    assert titles == ["民生项目3", "民生项目2"]
    assert "赞成 5" in adopted and "反对 0" in adopted
    assert "民生项目1" in page.split('<ol class="adopted">')[1]  # among those not adopted
    assert "通过线" in page and "3 票赞成" in page  # more than half of the 5 entitled
    assert "已确定项目" in page and "2 / 2" in page
    digest = db.get(BallotResult, ballot.id).bulletin_digest
    assert f"公告摘要：<code>{digest[:8]} {digest[8:16]}" in page
    assert f'src="/ballots/{ballot.id}/qr.svg"' in page

    qr = client.get(f"/ballots/{ballot.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    expected = io.BytesIO()
    segno.make(f"http://localhost/ballots/{ballot.id}", error="m").save(
        expected, kind="svg", scale=10, border=2, dark="#000", light="#fff", xmldecl=False,
        svgns=True, title="网上查看结果")
    assert qr.data == expected.getvalue()  # the code holds the public result's address


def test_a_draft_has_no_screen(client, db, official, assembly, seated):
    draft = new_ballot(db, official, assembly, opened=False)
    assert client.get(f"/ballots/{draft.id}/screen").status_code == 404
    assert client.get(f"/ballots/{draft.id}/screen.json").status_code == 404


def test_the_screens_feed_is_kept_half_a_second_at_most(make_app, connection, db, ballot,
                                                         seated, monkeypatch):
    """Two hundred screens asking every second cost one render per half second: a cast
    shows at the next half second, and the kept answer costs no query."""
    from app import caching
    from tests.functional.builders import statements_on

    visitor = make_app(PAGE_CACHE=True).test_client()
    now = [1_000_000.0]
    monkeypatch.setattr(caching, "_now", lambda: now[0])
    feed = f"/ballots/{ballot.id}/screen.json"
    assert visitor.get(feed).get_json()["cast"] == 0
    cast_all(db, ballot, seated[:2], marks(ballot, {0}))
    now[0] += 0.3  # the same half second: the kept answer, asked of no database
    with statements_on(connection) as statements:
        kept = visitor.get(feed)
    assert kept.get_json()["cast"] == 0 and statements == []
    now[0] += 0.3  # the next half second: the casts show
    assert visitor.get(feed).get_json()["cast"] == 2
