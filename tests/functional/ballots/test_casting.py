"""Casting a ballot through the services: drafts, opening, who may vote, when, how often."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.functional.builders import (
    VOTING_DAY,
    cast_all,
    new_ballot,
    option_ids,
    refused,
    seat_delegates,
    tellers_for,
    unlock_all,
)
from votes import ledger
from votes.ballots import BallotRosterEntry, CastBallot, SealedBallot, VoterRecord
from votes.base import DomainError
from votes.bulletin import build_bulletin, find_by_tracker
from votes.casting import (
    cast_ballot,
    check_in,
    create_ballot,
    normalise_tracker,
    open_ballot,
    turnout,
    update_rules,
)
from votes.closing import ballot_result, close_ballot
from votes.rules import BallotRules, Method, ThresholdBase

# --- drafting and opening -------------------------------------------------------------------


def test_a_draft_keeps_its_options_in_order_and_is_logged(db, official, assembly):
    ballot = new_ballot(db, official, assembly, opened=False, costs=[300, 0, 50])
    assert ballot.status == "draft"
    assert [(o.title, o.cost, o.position, o.ref_id) for o in ballot.options] == [
        ("民生项目1", 300, 0, 100), ("民生项目2", 0, 1, 101), ("民生项目3", 50, 2, 102)]
    [created] = ledger.entries(db, ballot.id)
    assert created["kind"] == "created"
    assert created["payload"]["rules_hash"] == BallotRules().rules_hash() == ballot.rules_hash


def test_only_officials_run_a_ballot(db, official, assembly, delegates):
    refused("forbidden", create_ballot, db, delegates[0], assembly, "motion", None, "议案",
            BallotRules(), [{"title": "同意"}])
    ballot = new_ballot(db, official, assembly, opened=False)
    refused("forbidden", open_ballot, db, delegates[0], ballot, on=VOTING_DAY)


def test_opening_freezes_the_roster_of_the_day(db, official, admin, assembly, make_user,
                                               delegates):
    late = seat_delegates(db, assembly, admin, make_user, 1, joined_on=date(2027, 6, 1))[0]
    ballot = new_ballot(db, official, assembly)
    roster = set(db.scalars(select(BallotRosterEntry.user_id)
                            .where(BallotRosterEntry.ballot_id == ballot.id)))
    assert roster == {d.id for d in delegates}
    assert ballot.entitled == 5 and ballot.status == "open"
    assert re.fullmatch(r"[0-9A-Z]{6}", ballot.check_in_code)
    opened = ledger.entries(db, ballot.id)[-1]
    assert opened["kind"] == "opened" and opened["payload"]["roster_hash"] == ballot.roster_hash
    refused("not_on_roster", cast_ballot, db, ballot.id, late, {})


def test_rules_cannot_change_once_the_ballot_is_open(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, opened=False)
    update_rules(db, official, ballot, BallotRules(seats=2))
    assert ballot.rules.seats == 2
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    refused("rules_frozen", update_rules, db, official, ballot, BallotRules(seats=3))
    with pytest.raises(DomainError, match="rules_frozen"):
        ballot.rules_json = BallotRules(seats=3).canonical_json()
    assert ballot.rules.seats == 2
    assert ledger.entries(db, ballot.id)[-1]["payload"]["rules_hash"] == BallotRules(
        seats=2).rules_hash()


@pytest.mark.parametrize(("rules", "options", "code"), [
    (BallotRules(seats=4), 3, "seats_exceed_options"),
    (BallotRules(method=Method.Y, min_selections=4), 3, "min_selections_exceed_options"),
    (BallotRules(seats=0), 3, "invalid_rules"),
])
def test_a_ballot_that_could_not_run_is_refused(db, official, assembly, rules, options, code):
    refused(code, new_ballot, db, official, assembly, rules=rules, options=options,
            opened=False)


def test_opening_needs_a_draft_and_delegates(db, official, assembly):
    ballot = new_ballot(db, official, assembly, opened=False)
    refused("empty_roster", open_ballot, db, official, ballot, on=VOTING_DAY)
    db.rollback()


# --- casting --------------------------------------------------------------------------------


def test_nothing_is_cast_before_opening_or_after_closing(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, opened=False)
    refused("not_open", cast_ballot, db, ballot.id, delegates[0], {})
    open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    cast_ballot(db, ballot.id, delegates[0], {})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    refused("not_open", cast_ballot, db, ballot.id, delegates[1], {})
    assert db.scalar(select(func.count()).select_from(CastBallot)
                     .where(CastBallot.ballot_id == ballot.id)) == 1


def test_a_resident_off_the_roster_cannot_vote(db, official, assembly, delegates, resident):
    ballot = new_ballot(db, official, assembly)
    refused("not_on_roster", cast_ballot, db, ballot.id, resident, {})
    refused("not_on_roster", cast_ballot, db, ballot.id, official, {})


def test_one_delegate_one_ballot_by_service_and_by_constraint(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    ids = option_ids(ballot)
    cast_ballot(db, ballot.id, delegates[0], {ids[0]: "yes"})
    db.commit()
    refused("already_voted", cast_ballot, db, ballot.id, delegates[0], {ids[0]: "no"})
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(VoterRecord(ballot_id=ballot.id, user_id=delegates[0].id))
    assert turnout(db, ballot) == (1, 5)
    assert db.scalar(select(func.count()).select_from(SealedBallot)
                     .where(SealedBallot.ballot_id == ballot.id)) == 1
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    [stored] = db.scalars(select(CastBallot).where(CastBallot.ballot_id == ballot.id))
    assert json.loads(stored.choices) == {str(ids[0]): "yes"}  # the first ballot stands


@pytest.mark.parametrize(("marks", "code"), [
    ({0: "yes", 1: "yes", 2: "yes"}, "too_many_selections"),
    ({}, "too_few_selections"),
    ({0: "no"}, "choice_not_allowed"),
    ({99: "yes"}, "unknown_candidate"),
])
def test_an_over_or_under_marked_ballot_is_refused_with_its_code(
        db, official, assembly, delegates, marks, code):
    rules = BallotRules(method=Method.Y, seats=2, min_selections=1, max_selections=2)
    ballot = new_ballot(db, official, assembly, rules=rules)
    ids = option_ids(ballot)
    choices = {(ids[k] if k < len(ids) else k): v for k, v in marks.items()}
    error = refused(code, cast_ballot, db, ballot.id, delegates[0], choices)
    assert error.params  # the message can say how many, or which
    db.rollback()
    assert turnout(db, ballot) == (0, 5)
    cast_ballot(db, ballot.id, delegates[0], {ids[0]: "yes"})  # the delegate may still vote


def test_the_receipt_is_a_grouped_code_found_however_it_is_typed(db, official, assembly,
                                                                 delegates):
    ballot = new_ballot(db, official, assembly)
    tracker = cast_ballot(db, ballot.id, delegates[0], {str(option_ids(ballot)[1]): "no"})
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}",
                        tracker)
    typed = tracker.replace("-", " ").lower().replace("0", "o")
    assert normalise_tracker(typed) == tracker
    assert normalise_tracker("ABCD") is None


def test_while_open_only_turnout_is_visible(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates[:3], lambda i: {})
    assert turnout(db, ballot) == (3, 5)
    refused("not_closed", ballot_result, db, ballot)
    refused("not_closed", build_bulletin, db, ballot)
    refused("not_published", find_by_tracker, db, ballot.id, "ABCD-EFGH-JK")
    refused("not_open", turnout, db, new_ballot(db, official, assembly, opened=False))


# --- attendance -----------------------------------------------------------------------------


def test_check_in_by_an_official_or_with_the_hall_code(db, official, assembly, delegates,
                                                       resident):
    ballot = new_ballot(db, official, assembly)
    entry = check_in(db, official, ballot, delegate=delegates[0])
    assert entry.present and entry.checked_in_by_id == official.id
    code = ballot.check_in_code
    entry = check_in(db, delegates[1], ballot, code=f" {code.lower()} ")
    assert entry.present and entry.checked_in_by_id is None
    refused("wrong_code", check_in, db, delegates[2], ballot, code="ZZZZZZ")
    refused("wrong_code", check_in, db, delegates[2], ballot)
    refused("forbidden", check_in, db, delegates[2], ballot, delegate=delegates[3], code=code)
    refused("not_on_roster", check_in, db, resident, ballot, code=code)
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    refused("not_open", check_in, db, official, ballot, delegate=delegates[4])


def test_with_present_as_base_a_delegate_must_check_in_before_voting(db, official, assembly,
                                                                     delegates):
    ballot = new_ballot(db, official, assembly,
                        rules=BallotRules(threshold_base=ThresholdBase.PRESENT))
    refused("not_checked_in", cast_ballot, db, ballot.id, delegates[0], {})
    check_in(db, delegates[0], ballot, code=ballot.check_in_code)
    assert cast_ballot(db, ballot.id, delegates[0], {})


def test_casting_records_attendance_when_the_base_is_not_present(db, official, assembly,
                                                                 delegates):
    ballot = new_ballot(db, official, assembly)
    check_in(db, official, ballot, delegate=delegates[4])  # present, does not vote
    cast_all(db, ballot, delegates[:3], lambda i: {})
    result = close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    assert (result["ballots_cast"], result["present"], result["entitled"]) == (3, 4, 5)
