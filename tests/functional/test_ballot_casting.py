"""Casting a ballot through the services: who may vote, when, how often, and what is counted."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from votes import ledger
from votes.ballots import (
    Ballot,
    BallotResolution,
    BallotRosterEntry,
    CastBallot,
    PaperTotal,
    VoterRecord,
)
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
from votes.closing import (
    ballot_result,
    close_ballot,
    enter_paper_totals,
    publish_ballot,
    resolve_tie,
    start_runoff,
)
from votes.people import add_member
from votes.rules import BallotRules, Method, ThresholdBase

VOTING_DAY = date(2027, 3, 1)


# --- builders, shared by the other ballot test modules ----------------------------------------


def seat_delegates(db, assembly, admin, make_user, count, *, joined_on=date(2024, 1, 1)):
    people = [make_user(name=f"代表{i:02d}") for i in range(count)]
    for person in people:
        add_member(db, assembly, person, admin, joined_on=joined_on)
    db.commit()
    return people


def new_ballot(db, official, assembly, *, rules=None, options=3, opened=True, costs=None):
    specs = [{"title": f"民生项目{i + 1}", "cost": (costs or [0] * options)[i],
              "unit": "区住建局", "ref_id": 100 + i} for i in range(options)]
    ballot = create_ballot(db, official, assembly, "cycle", 7, "2027年度民生实事项目票决",
                           rules or BallotRules(), specs)
    if opened:
        open_ballot(db, official, ballot, on=VOTING_DAY)
    db.commit()
    return ballot


def option_ids(ballot):
    return [o.id for o in ballot.options]


def cast_all(db, ballot, voters, choices_for):
    """Cast for each voter, committing each like a request; returns the trackers in order."""
    trackers = []
    for i, voter in enumerate(voters):
        trackers.append(cast_ballot(db, ballot.id, voter, choices_for(i)))
        db.commit()
    return trackers


def refused(expected, call, /, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.params
    return caught.value


@pytest.fixture
def delegates(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 5)


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
    open_ballot(db, official, ballot, on=VOTING_DAY)
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
    open_ballot(db, official, ballot, on=VOTING_DAY)
    db.commit()
    cast_ballot(db, ballot.id, delegates[0], {})
    close_ballot(db, official, ballot)
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
    close_ballot(db, official, ballot)
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
    result = close_ballot(db, official, ballot)
    assert (result["ballots_cast"], result["present"], result["entitled"]) == (3, 4, 5)


# --- closing and counting -------------------------------------------------------------------


def test_closing_counts_the_ballots_and_stores_the_result(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=2))
    a, b, c = option_ids(ballot)
    marks = [{a: "yes", b: "yes"}, {a: "yes", b: "no"}, {a: "yes", b: "yes", c: "no"},
             {a: "no", c: "abstain"}, {a: "yes", b: "yes", c: "yes"}]
    cast_all(db, ballot, delegates, lambda i: marks[i])
    result = close_ballot(db, official, ballot)
    db.commit()
    rows = {r["id"]: (r["yes"], r["no"], r["abstain"], r["status"]) for r in result["rows"]}
    assert rows == {a: (4, 1, 0, "adopted"), b: (3, 1, 1, "adopted"), c: (1, 1, 3, "failed")}
    assert result["adopted"] == [a, b] and result["valid"]
    assert ballot.status == "closed" and ballot.ballots_cast == 5
    assert ballot_result(db, ballot) == result
    closed = ledger.entries(db, ballot.id)[-1]
    assert closed["kind"] == "closed"
    assert closed["payload"]["result_hash"] == ledger.sha256_hex(ledger.canonical_json(result))
    refused("not_open", close_ballot, db, official, ballot)


def test_without_quorum_nothing_is_adopted_and_the_result_says_why(db, official, admin, assembly,
                                                                   make_user):
    people = seat_delegates(db, assembly, admin, make_user, 10)
    ballot = new_ballot(db, official, assembly, rules=BallotRules(threshold_base="cast"))
    ids = option_ids(ballot)
    cast_all(db, ballot, people[:4], lambda i: dict.fromkeys(ids, "yes"))
    result = close_ballot(db, official, ballot)
    assert (result["valid"], result["reason"], result["adopted"]) == (False, "quorum_not_met", [])
    assert {r["status"] for r in result["rows"]} == {"failed"}


def test_a_tie_at_the_cut_off_waits_for_a_runoff_among_the_tied(db, official, assembly,
                                                                delegates):
    rules = BallotRules(method=Method.Y, seats=2, max_selections=3, threshold_base="cast")
    ballot = new_ballot(db, official, assembly, rules=rules, options=4, costs=[10, 20, 30, 40])
    a, b, c, d = option_ids(ballot)
    marks = [{a: "yes", b: "yes", c: "yes"}] * 3 + [{a: "yes"}, {a: "yes", d: "yes"}]
    cast_all(db, ballot, delegates, lambda i: marks[i])
    result = close_ballot(db, official, ballot)
    assert result["adopted"] == [a] and result["tie_pending"] == [b, c]
    runoff = start_runoff(db, official, ballot)
    assert (runoff.status, runoff.subject_type, runoff.subject_id) == ("draft", "runoff",
                                                                      ballot.id)
    assert [(o.title, o.cost, o.ref_id) for o in runoff.options] == [
        ("民生项目2", 20, 101), ("民生项目3", 30, 102)]
    assert (runoff.rules.seats, runoff.rules.max_selections, runoff.rules.method) == (1, 1, "Y")
    link = db.scalar(select(BallotResolution).where(BallotResolution.ballot_id == ballot.id))
    assert (link.kind, link.runoff_ballot_id) == ("runoff", runoff.id)
    assert ledger.entries(db, ballot.id)[-1]["kind"] == "runoff_started"
    refused("already_resolved", resolve_tie, db, official, ballot, [b], "抽签")
    open_ballot(db, official, runoff, on=VOTING_DAY)  # the run-off is a ballot like any other


def test_a_tie_may_be_resolved_lawfully_with_a_reason(db, official, assembly, delegates):
    rules = BallotRules(method=Method.Y, seats=1, threshold_base="cast")
    ballot = new_ballot(db, official, assembly, rules=rules, options=2)
    a, b = option_ids(ballot)
    cast_all(db, ballot, delegates[:4], lambda i: {a: "yes", b: "yes"} if i < 3 else {})
    assert close_ballot(db, official, ballot)["tie_pending"] == [a, b]
    refused("reason_required", resolve_tie, db, official, ballot, [a], "  ")
    refused("too_many_adopted", resolve_tie, db, official, ballot, [a, b], "都要")
    refused("forbidden", resolve_tie, db, delegates[0], ballot, [a], "我说了算")
    resolution = resolve_tie(db, official, ballot, [b], "依主任会议决定，按先提出者确定")
    assert json.loads(resolution.adopted_json) == [b]
    logged = ledger.entries(db, ballot.id)[-1]
    assert logged["kind"] == "tie_resolved" and logged["payload"]["adopted"] == [b]


def test_no_tie_no_runoff(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates, lambda i: {})
    close_ballot(db, official, ballot)
    refused("no_tie", start_runoff, db, official, ballot)


# --- paper ballots --------------------------------------------------------------------------


def test_paper_totals_are_checked_and_recorded(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=1))
    a, b, c = option_ids(ballot)
    totals = {a: (4, 0, 0), b: (1, 2, 1), str(c): (0, 0, 4)}
    refused("more_ballots_than_voters", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=6, present=5)
    refused("more_ballots_than_present", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=4, present=3)
    refused("present_exceeds_roster", enter_paper_totals, db, official, ballot, totals,
            ballots_cast=4, present=6)
    error = refused("invalid_totals", enter_paper_totals, db, official, ballot,
                    {a: (5, 0, 0), b: (0, 0, 0), c: (0, 0, 0)}, ballots_cast=4, present=4)
    assert "exceed" in error.params["detail"]
    refused("forbidden", enter_paper_totals, db, delegates[0], ballot, totals, ballots_cast=4,
            present=4)
    result = enter_paper_totals(db, official, ballot, totals, ballots_cast=4, present=5)
    assert (ballot.mode, ballot.status, ballot.ballots_cast, ballot.present) == (
        "paper", "closed", 4, 5)
    assert result["adopted"] == [a]
    stored = {t.option_id: (t.yes, t.no, t.abstain) for t in db.scalars(
        select(PaperTotal).where(PaperTotal.ballot_id == ballot.id))}
    assert stored == {a: (4, 0, 0), b: (1, 2, 1), c: (0, 0, 4)}
    assert ledger.entries(db, ballot.id)[-1]["payload"]["totals"][str(a)] == [4, 0, 0]


def test_paper_totals_cannot_replace_electronic_ballots(db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    cast_ballot(db, ballot.id, delegates[0], {})
    refused("electronic_ballots_cast", enter_paper_totals, db, official, ballot,
            dict.fromkeys(option_ids(ballot), (0, 0, 1)), ballots_cast=1, present=1)


# --- publication ----------------------------------------------------------------------------


def test_publishing_seals_the_bulletin_and_a_delegate_finds_their_ballot(db, official, assembly,
                                                                         delegates):
    ballot = new_ballot(db, official, assembly)
    ids = option_ids(ballot)
    trackers = cast_all(db, ballot, delegates, lambda i: {ids[i % 3]: "yes"})
    close_ballot(db, official, ballot)
    refused("not_published", find_by_tracker, db, ballot.id, trackers[0])
    stored = publish_ballot(db, official, ballot)
    db.commit()
    assert ballot.status == "published"
    sealed = ledger.entries(db, ballot.id)[-1]
    assert sealed["kind"] == "published"
    assert sealed["payload"]["bulletin_digest"] == ledger.sha256_hex(stored.bulletin_json)
    mine = find_by_tracker(db, ballot.id, trackers[3].lower())
    assert mine["tracker"] == trackers[3] and mine["choices"] == {str(ids[0]): "yes"}
    assert find_by_tracker(db, ballot.id, "0000-0000-00") is None
    refused("not_closed", publish_ballot, db, official, ballot)
    assert db.get(Ballot, ballot.id).published_at is not None


def test_a_runoff_is_put_to_the_same_electorate_as_the_ballot_it_settles(
    db, official, assembly, make_user
):
    """An election's voters are residents, not the assembly's delegates: the run-off keeps
    the original roster, so a tie in a council election can go to a second round."""
    residents = [make_user(name=f"居民{i}") for i in range(4)]
    rules = BallotRules(seats=1, threshold_base="yes_no")
    ballot = new_ballot(db, official, assembly, rules=rules, options=2, opened=False)
    open_ballot(db, official, ballot, on=VOTING_DAY, voters=residents)
    db.commit()
    a, b = option_ids(ballot)
    cast_all(db, ballot, residents, lambda i: {a: "yes", b: "yes"} if i < 2 else {})
    assert close_ballot(db, official, ballot)["tie_pending"] == [a, b]
    runoff = start_runoff(db, official, ballot)
    open_ballot(db, official, runoff, on=VOTING_DAY)  # no voters given
    db.commit()
    on_roster = set(db.scalars(select(BallotRosterEntry.user_id).where(
        BallotRosterEntry.ballot_id == runoff.id)))
    assert on_roster == {r.id for r in residents} and runoff.entitled == 4


def test_a_named_teller_runs_their_ballot_and_nobody_else_without_the_official_role(
    db, official, assembly, delegates, make_user
):
    convenor, other = delegates[0], delegates[1]
    refused("forbidden", create_ballot, db, other, assembly, "motion", 1, "动议",
            BallotRules(), [{"title": "同意"}], teller=convenor)
    ballot = create_ballot(db, convenor, assembly, "motion", 1, "动议", BallotRules(),
                           [{"title": "同意"}], teller=convenor)
    assert ballot.teller_id == convenor.id
    assert ledger.entries(db, ballot.id)[0]["payload"]["teller_id"] == convenor.id
    refused("forbidden", open_ballot, db, other, ballot, on=VOTING_DAY)
    open_ballot(db, convenor, ballot, on=VOTING_DAY)
    cast_all(db, ballot, delegates[:3], lambda i: {ballot.options[0].id: "yes"})
    refused("forbidden", close_ballot, db, other, ballot)
    assert close_ballot(db, convenor, ballot)["ballots_cast"] == 3
    assert not other.has_role("official") and not convenor.has_role("official")
