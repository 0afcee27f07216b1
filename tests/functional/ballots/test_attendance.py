"""Attendance made plain: the frozen rules say whether check-in is required, the delegate's
page says so before they mark, checking in keeps the marks, and a cast without a required
check-in is refused with its reason."""

import json

from sqlalchemy import func, select

from tests.functional.builders import new_ballot, refused, unlock_all
from votes.ballots import Ballot, SealedBallot
from votes.bulletin import check_bulletin, published_bulletin, verify_ballot
from votes.casting import cast_ballot, check_in
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules, ThresholdBase

# The rules of a ballot frozen before check_in_required existed, as they were stored, and
# their hash: both must read exactly as they did.
OLD_PRESENT_RULES = ('{"budget_cap":null,"majority":"simple","max_selections":null,'
                     '"method":"YNA","min_selections":0,"quorum_den":2,"quorum_num":1,'
                     '"seats":1,"secret":true,"threshold_base":"present"}')


def marks_of(ballot, *marks):
    return {f"option-{o.id}": mark for o, mark in zip(ballot.options, marks, strict=False)}


def sealed_count(db):
    return db.scalar(select(func.count()).select_from(SealedBallot))


def test_rules_say_whether_check_in_is_required_and_old_rules_keep_their_hash():
    old = BallotRules.from_json(OLD_PRESENT_RULES)
    assert old.check_in_required is True  # those present are the base: always required
    assert old.canonical_json() == OLD_PRESENT_RULES
    assert BallotRules().check_in_required is False
    assert "check_in_required" not in BallotRules().as_dict()
    required = BallotRules(check_in_required=True)
    assert required.as_dict()["check_in_required"] is True
    assert required.rules_hash() != BallotRules().rules_hash()
    assert BallotRules.from_json(required.canonical_json()) == required
    try:
        BallotRules(threshold_base=ThresholdBase.PRESENT, check_in_required=False).validate()
    except ValueError as exc:
        assert "present" in str(exc)
    else:
        raise AssertionError("a base of those present without check-in was accepted")


def test_the_engine_refuses_a_cast_without_a_required_check_in(db, official, assembly,
                                                               delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(check_in_required=True))
    refused("not_checked_in", cast_ballot, db, ballot.id, delegates[0], {})
    check_in(db, delegates[0], ballot, code=ballot.check_in_code)
    assert cast_ballot(db, ballot.id, delegates[0], {})


def test_the_page_says_check_in_is_optional_and_checking_in_keeps_the_marks(
        english, client, db, login, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    login(delegates[0])
    page = client.get(f"/delegate/ballots/{ballot.id}").text
    optional = "Check-in is not required in this ballot"
    assert optional in page and 'id="check-in-rule"' in page
    assert page.index(optional) < page.index('name="option-')  # said before marking
    marked = marks_of(ballot, "yes", "no", "abstain")
    back = client.post(f"/delegate/ballots/{ballot.id}/check-in",
                       data={**marked, "code": ballot.check_in_code})
    assert back.status_code == 200 and back.headers["Cache-Control"] == "no-store"
    assert "You are checked in." in back.text
    for option, mark in zip(ballot.options, ("yes", "no", "abstain"), strict=True):
        assert f'name="option-{option.id}" value="{mark}" checked' in back.text
    wrong = client.post(f"/delegate/ballots/{ballot.id}/check-in",
                        data={**marked, "code": "WRONG1"})
    assert "That check-in code is not right." in wrong.text
    assert f'name="option-{ballot.options[0].id}" value="yes" checked' in wrong.text


def test_a_required_check_in_is_said_first_and_review_and_cast_are_refused_in_words(
        english, client, db, login, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly,
                        rules=BallotRules(threshold_base=ThresholdBase.PRESENT))
    login(delegates[0])
    page = client.get(f"/delegate/ballots/{ballot.id}").text
    assert "You must check in before you can vote in this ballot." in page
    assert 'name="option-' not in page
    assert "Review my ballot" not in page
    marked = marks_of(ballot, "yes", "yes", "yes")
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=marked).text
    assert "Your ballot was not cast" in review and "Check your marks" not in review
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data=marked)
    assert "Your ballot was not cast" in cast.text and "require you to check in first" in cast.text
    assert sealed_count(db) == 0
    client.post(f"/delegate/ballots/{ballot.id}/check-in", data={"code": ballot.check_in_code})
    assert "Review my ballot" in client.get(f"/delegate/ballots/{ballot.id}").text
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data=marked)
    assert "Your vote is recorded" in cast.text and sealed_count(db) == 1


def test_an_official_requires_check_in_with_another_base_and_the_bulletin_verifies(
        english, client, db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(check_in_required=True))
    for delegate in delegates[:3]:
        check_in(db, delegate, ballot, code=ballot.check_in_code)
        cast_ballot(db, ballot.id, delegate, {ballot.options[0].id: "yes"})
        db.commit()
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()
    doc = json.loads(published_bulletin(db, ballot.id))
    assert doc["rules"]["check_in_required"] is True
    assert check_bulletin(doc) == [] and verify_ballot(db, ballot.id).ok
    page = client.get(f"/ballots/{ballot.id}").text
    assert "Required: check in before you vote" in page


def test_the_new_ballot_form_freezes_the_check_in_rule(client, db, login, official, cycle,
                                                      shortlisted):
    login(official)
    response = client.post(f"/official/cycles/{cycle.id}/ballot/new", data={
        "title": "签到票决", "method": "YNA", "threshold_base": "entitled",
        "majority": "simple", "quorum": "1/2", "seats": "1", "budget_cap": "",
        "check_in_required": "y"})
    assert response.status_code == 302, response.text
    ballot = db.scalar(select(Ballot).where(Ballot.title == "签到票决"))
    assert ballot.rules.check_in_required is True
