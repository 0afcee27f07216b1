"""A mixed ballot through the desk's forms: mode, paper marks, the paper count, the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.functional.builders import sealing_tellers, unlock_all
from votes.ballots import Ballot, PaperIssue

RULES = {"title": "2027年度民生实事项目票决", "method": "YNA", "threshold_base": "entitled",
         "majority": "simple", "quorum": "1/2", "seats": "2", "budget_cap": ""}


def teller_form(db) -> dict:
    form = {"threshold": "2"}
    for row, (teller, passphrase) in enumerate(sealing_tellers(db), start=1):
        form |= {f"teller-{row}": str(teller.id), f"passphrase-{row}": passphrase,
                 f"repeat-{row}": passphrase}
    return form


@pytest.fixture
def opened(english, db, login, official, cycle, shortlisted):
    """A mixed ballot created with the new-ballot form and opened; (ballot, delegates)."""
    login(official)
    made = english.post(f"/official/cycles/{cycle.id}/ballot/new",
                        data={**RULES, "mode": "mixed"})
    assert made.status_code == 302, made.text
    ballot_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert db.get(Ballot, ballot_id).mode == "mixed"
    desk = english.get(f"/official/ballots/{ballot_id}").text
    assert "Paper and electronic" in desk and 'value="mixed" checked' in desk
    assert english.post(f"/official/ballots/{ballot_id}/open",
                        data=teller_form(db)).status_code == 302
    return db.get(Ballot, ballot_id), shortlisted


def vote(client, login, delegate, ballot, marks):
    login(delegate)
    form = {f"option-{o.id}": mark for o, mark in zip(ballot.options, marks, strict=True)}
    client.post(f"/delegate/ballots/{ballot.id}/review", data=form)
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data=form)
    client.post("/account/logout")
    return cast


def count_form(db, ballot, found, marks, confirm=True) -> dict:
    form = {"paper_ballots": str(found), **{f"unlock-{t}": p for t, p in list(
        unlock_all(db, ballot).items())[:2]}}
    if confirm:
        form["confirm"] = "y"
    for option, (yes, no, abstain) in zip(ballot.options, marks, strict=True):
        form |= {f"yes-{option.id}": str(yes), f"no-{option.id}": str(no),
                 f"abstain-{option.id}": str(abstain)}
    return form


def test_the_desk_marks_a_paper_taker_who_then_cannot_vote_on_screen(english, db, login,
                                                                     official, opened):
    ballot, delegates = opened
    desk = english.get(f"/official/ballots/{ballot.id}").text
    assert desk.count("Gives a paper ballot") == len(delegates)
    assert f"/official/ballots/{ballot.id}/mixed-count" in desk
    marked = english.post(f"/official/ballots/{ballot.id}/paper/{delegates[0].id}",
                          follow_redirects=True)
    assert "took a paper ballot; they cannot vote electronically now" in marked.text
    assert "Took a paper ballot" in marked.text
    english.post("/account/logout")
    cast = vote(english, login, delegates[0], ballot, ["yes", "no", "no"])
    assert "you took a paper ballot at the ballot box" in cast.text
    assert "Your vote has been recorded" not in cast.text
    login(delegates[0])
    page = english.get(f"/delegate/ballots/{ballot.id}").text
    assert "You took a paper ballot" in page


def test_an_electronic_voter_cannot_be_handed_paper_and_a_mark_can_be_undone(
        english, db, login, official, opened):
    ballot, delegates = opened
    english.post("/account/logout")
    vote(english, login, delegates[1], ballot, ["yes", "yes", "no"])
    login(official)
    desk = english.get(f"/official/ballots/{ballot.id}").text
    assert "Voted electronically" in desk
    refused = english.post(f"/official/ballots/{ballot.id}/paper/{delegates[1].id}",
                           follow_redirects=True)
    assert "has already voted electronically, so they cannot take a paper ballot" in refused.text
    english.post(f"/official/ballots/{ballot.id}/paper/{delegates[2].id}")
    undone = english.post(f"/official/ballots/{ballot.id}/paper/{delegates[2].id}/undo",
                          follow_redirects=True)
    assert "is taken back; they may vote electronically" in undone.text
    assert db.scalars(select(PaperIssue.user_id)).all() == []


def test_the_paper_count_closes_and_the_pages_show_each_part(english, db, login, official,
                                                             opened):
    ballot, delegates = opened
    for person in delegates[3:]:
        english.post(f"/official/ballots/{ballot.id}/paper/{person.id}")
    english.post("/account/logout")
    for person in delegates[:3]:
        vote(english, login, person, ballot, ["yes", "yes", "no"])
    login(official)
    assert english.get(f"/official/ballots/{ballot.id}/close").headers["Location"].endswith(
        f"/official/ballots/{ballot.id}/mixed-count")
    page = english.get(f"/official/ballots/{ballot.id}/mixed-count").text
    assert re.search(r'id="paper-issued">2<', page) and re.search(r'id="electronic-cast">3<',
                                                                  page)

    too_many = english.post(f"/official/ballots/{ballot.id}/mixed-count",
                            data=count_form(db, ballot, 3, [(2, 1, 0), (1, 0, 0), (0, 3, 0)]))
    assert too_many.status_code == 422
    assert "3 paper ballots found in the box, but only 2 were handed out" in too_many.text
    assert 'name="paper_ballots" type="number" min="0" max="2" value="3"' in too_many.text
    assert 'value="2"' in too_many.text  # the totals typed are kept, not the passphrases
    assert "correct staple" not in too_many.text
    unconfirmed = english.post(f"/official/ballots/{ballot.id}/mixed-count",
                               data=count_form(db, ballot, 2, [(2, 0, 0)] * 3, confirm=False))
    assert unconfirmed.status_code == 422 and "Tick the box to confirm" in unconfirmed.text
    assert db.get(Ballot, ballot.id).status == "open"

    done = english.post(f"/official/ballots/{ballot.id}/mixed-count",
                        data=count_form(db, ballot, 2, [(2, 0, 0), (0, 2, 0), (1, 1, 0)]),
                        follow_redirects=True)
    assert "The paper count is recorded; the ballot is closed and counted." in done.text
    db.expire_all()
    counted = db.get(Ballot, ballot.id)
    assert (counted.status, counted.ballots_cast, counted.paper_ballots) == ("closed", 5, 2)
    assert "Electronic ballots: 3 · paper ballots found in the box: 2 (2 handed out)" in done.text
    english.post(f"/official/ballots/{ballot.id}/publish", data={"confirm": "y"})
    english.post("/account/logout")
    public = english.get(f"/ballots/{ballot.id}").text
    assert "Paper and electronic" in public and 'id="ballot-split"' in public
    first = ballot.options[0]
    split = public[public.index('id="ballot-split"'):]
    row = re.search(rf'<th scope="row">{first.title}</th>(.*?)</tr>', split, re.S).group(1)
    assert "3 / 0 / 0" in row and "2 / 0 / 0" in row and "5 / 0 / 0" in row
    check = english.get(f"/ballots/{ballot.id}/check").text
    assert "data-msg-mixed=" in check


def test_the_big_screen_shows_both_parts(english, db, login, official, opened):
    ballot, delegates = opened
    english.post(f"/official/ballots/{ballot.id}/paper/{delegates[4].id}")
    english.post("/account/logout")
    for person in delegates[:4]:
        vote(english, login, person, ballot, ["yes", "no", "no"])
    login(official)
    english.post(f"/official/ballots/{ballot.id}/mixed-count",
                 data=count_form(db, ballot, 1, [(1, 0, 0), (0, 1, 0), (0, 1, 0)]))
    english.post(f"/official/ballots/{ballot.id}/publish", data={"confirm": "y"})
    screen = english.get(f"/ballots/{ballot.id}/screen").text
    assert 'id="screen-split"' in screen and "4 / 1" in screen
    assert "(electronic 4 + paper 1 yes)" in screen


def test_a_roll_call_cannot_be_created_mixed(english, db, login, official, cycle, shortlisted):
    login(official)
    refused = english.post(f"/official/cycles/{cycle.id}/ballot/new",
                           data={**RULES, "mode": "mixed", "roll_call": "y"})
    assert refused.status_code == 200
    assert db.scalars(select(Ballot)).all() == []


def test_while_voting_the_big_screen_counts_paper_handed_out_apart(english, db, login,
                                                                    official, opened):
    ballot, delegates = opened
    english.post(f"/official/ballots/{ballot.id}/paper/{delegates[0].id}")
    english.post(f"/official/ballots/{ballot.id}/paper/{delegates[1].id}")
    english.post("/account/logout")
    vote(english, login, delegates[2], ballot, ["yes", "no", "no"])
    data = english.get(f"/ballots/{ballot.id}/screen.json").get_json()
    assert (data["cast"], data["paper"]) == (1, 2)
    screen = english.get(f"/ballots/{ballot.id}/screen").text
    assert re.search(r'Cast electronically</dt><dd id="screen-cast">1<', screen)
    assert re.search(r'Paper ballots handed out</dt><dd id="screen-paper">2<', screen)
