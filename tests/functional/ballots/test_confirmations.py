"""Irreversible acts on a ballot ask first: closing, publishing, a run-off, a resolution each
show what will happen and the turnout (who has not voted, by roster number), and are done
only once confirmed."""

import re

import pytest

from tests.functional.builders import cast_all, new_ballot, seat_delegates
from votes.ballots import Ballot
from votes.closing import close_ballot
from votes.rules import BallotRules


@pytest.fixture
def nine(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 9)


def status(db, ballot):
    db.expire_all()
    return db.get(Ballot, ballot.id).status


def not_voted(page):
    block = page.split('id="not-voted"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>No\. (\d+) ([^<]+)</li>", block)


def test_closing_asks_first_and_names_who_has_not_voted(
        english, client, db, login, official, assembly, nine):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(secret=False))  # not sealed
    cast_all(db, ballot, nine[:5], lambda i: {ballot.options[0].id: "yes"})
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert f'href="/official/ballots/{ballot.id}/close"' in desk
    assert f'action="/official/ballots/{ballot.id}/close"' not in desk  # no single click
    page = client.get(f"/official/ballots/{ballot.id}/close")
    assert page.headers["Cache-Control"] == "no-store"
    assert "Close the ballot and count it?" in page.text and "This cannot be undone." in page.text
    assert "Entitled to vote: 9. Voted: 5." in page.text
    assert "4 people on the roster have not voted:" in page.text
    assert not_voted(page.text) == [(str(n), nine[n - 1].display_name) for n in (6, 7, 8, 9)]
    unticked = client.post(f"/official/ballots/{ballot.id}/close", data={})
    assert unticked.status_code == 302
    assert unticked.headers["Location"].endswith(f"/official/ballots/{ballot.id}/close")
    assert status(db, ballot) == "open"
    done = client.post(f"/official/ballots/{ballot.id}/close", data={"confirm": "y"},
                       follow_redirects=True)
    assert "The ballot is closed and counted." in done.text
    assert status(db, ballot) == "closed"


def test_a_sealed_ballot_shows_the_turnout_beside_the_tellers_passphrases(
        english, client, db, login, official, assembly, nine):
    ballot = new_ballot(db, official, assembly)  # a cycle's secret ballot: sealed
    cast_all(db, ballot, nine[:7], lambda i: {})
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    section = desk.split('id="close-ballot"', 1)[1].split("</form>", 1)[0]
    assert "This cannot be undone." in section and 'name="unlock-' in section
    assert not_voted(section) == [("8", nine[7].display_name), ("9", nine[8].display_name)]
    asked = client.get(f"/official/ballots/{ballot.id}/close")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("#close-ballot")


def test_the_quorum_warning_is_given_before_closing(english, client, db, login, official,
                                                    assembly, nine):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(secret=False))
    cast_all(db, ballot, nine[:2], lambda i: {})
    login(official)
    page = client.get(f"/official/ballots/{ballot.id}/close").text
    assert "The quorum is not met with this turnout" in page


def test_publishing_asks_first_and_says_what_it_adopts(english, client, db, login, official,
                                                       assembly, nine):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(secret=False))
    first = ballot.options[0]
    cast_all(db, ballot, nine[:6], lambda i: {first.id: "yes"})
    close_ballot(db, official, ballot)
    db.commit()
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert f'href="/official/ballots/{ballot.id}/publish"' in desk
    assert f'action="/official/ballots/{ballot.id}/publish"' not in desk
    page = client.get(f"/official/ballots/{ballot.id}/publish").text
    assert "Publish the result and the bulletin?" in page
    assert first.title in page.split('id="to-adopt"', 1)[1].split("</strong>", 1)[0]
    assert "3 people on the roster have not voted:" in page
    client.post(f"/official/ballots/{ballot.id}/publish", data={})
    assert status(db, ballot) == "closed"
    client.post(f"/official/ballots/{ballot.id}/publish", data={"confirm": "y"})
    assert status(db, ballot) == "published"
    again = client.get(f"/official/ballots/{ballot.id}/publish", follow_redirects=True)
    assert "That step is not open for this ballot now" in again.text


def test_a_tie_is_settled_only_from_its_confirmation_page(english, client, db, login, official,
                                                          assembly, nine):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(secret=False, seats=1))
    a, b, _ = (o.id for o in ballot.options)
    cast_all(db, ballot, nine[:8], lambda i: {a: "yes", b: "yes"})
    close_ballot(db, official, ballot)
    db.commit()
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert f'<form method="get" action="/official/ballots/{ballot.id}/resolve">' in desk
    assert f'href="/official/ballots/{ballot.id}/runoff"' in desk
    asked = client.get(f"/official/ballots/{ballot.id}/runoff").text
    assert "Draft a run-off ballot for the tie?" in asked and "Places: 1." in asked
    client.post(f"/official/ballots/{ballot.id}/runoff", data={})
    assert db.query(Ballot).count() == 1
    blank = client.get(f"/official/ballots/{ballot.id}/resolve", query_string={"adopt": a},
                       follow_redirects=True)
    assert "Give the lawful reason" in blank.text
