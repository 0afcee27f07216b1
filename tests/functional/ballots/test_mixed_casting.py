"""Paper and electronic in one ballot: who took paper, one way each, and the combined count."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, select

from tests.functional.ballots.mixed_builders import counted_mixed, mixed_ballot
from tests.functional.builders import (
    cast_all,
    new_ballot,
    option_ids,
    refused,
    seat_delegates,
    unlock_all,
)
from votes import mixed
from votes.ballots import Ballot, BallotSeal, PaperIssue, PaperTotal, SealedBallot
from votes.bulletin import check_bulletin, published_bulletin, verify_ballot
from votes.casting import cast_ballot, open_ballot, roster_entry, update_rules
from votes.closing import close_ballot, enter_paper_totals, publish_ballot
from votes.rules import BallotRules


class People(list):
    assembly = None


@pytest.fixture
def people(db, admin, assembly, make_user):
    found = People(seat_delegates(db, assembly, admin, make_user, 9))
    found.assembly = assembly
    return found


@pytest.fixture
def ballot(db, official, people):
    return mixed_ballot(db, official, people.assembly)


def test_a_paper_taker_cannot_vote_electronically(db, official, people, ballot):
    mixed.issue_paper(db, official, ballot, people[0])
    db.commit()
    refused("took_paper_ballot", cast_ballot, db, ballot.id, people[0],
            {option_ids(ballot)[0]: "yes"})
    db.rollback()
    assert mixed.took_paper(db, ballot.id, people[0].id)


def test_an_electronic_voter_cannot_take_a_paper_ballot(db, official, people, ballot):
    cast_ballot(db, ballot.id, people[1], {})
    db.commit()
    error = refused("voted_electronically", mixed.issue_paper, db, official, ballot, people[1])
    assert error.params["name"] == people[1].display_name
    db.rollback()
    assert not mixed.took_paper(db, ballot.id, people[1].id)


def test_taking_paper_checks_the_delegate_in_by_the_teller(db, official, people, ballot):
    assert not roster_entry(db, ballot.id, people[2].id).present
    mixed.issue_paper(db, official, ballot, people[2])
    db.commit()
    entry = roster_entry(db, ballot.id, people[2].id)
    assert entry.present and entry.checked_in_by_id == official.id
    refused("paper_already_issued", mixed.issue_paper, db, official, ballot, people[2])


def test_a_mark_undone_while_open_lets_the_delegate_vote_electronically(db, official, people,
                                                                        ballot):
    mixed.issue_paper(db, official, ballot, people[3])
    db.commit()
    mixed.withdraw_paper(db, official, ballot, people[3])
    db.commit()
    assert cast_ballot(db, ballot.id, people[3], {})
    db.commit()
    refused("paper_not_issued", mixed.withdraw_paper, db, official, ballot, people[3])


def test_paper_marks_need_an_open_mixed_ballot_and_someone_who_runs_it(db, official, people,
                                                                       ballot):
    plain = new_ballot(db, official, people.assembly)
    refused("not_mixed", mixed.issue_paper, db, official, plain, people[0])
    db.rollback()
    refused("forbidden", mixed.issue_paper, db, people[1], ballot, people[0])
    db.rollback()
    outsider = new_ballot(db, official, people.assembly, opened=False)
    refused("not_open", mixed.issue_paper, db, official, outsider, people[0])


def test_a_mixed_ballot_closes_only_with_its_paper_count(db, official, people, ballot):
    refused("paper_count_required", close_ballot, db, official, ballot,
            unlock=unlock_all(db, ballot))
    db.rollback()
    refused("paper_count_required", enter_paper_totals, db, official, ballot,
            {i: (0, 0, 0) for i in option_ids(ballot)}, ballots_cast=0, present=0)


def test_more_paper_ballots_found_than_issued_is_refused_and_nothing_changes(db, official,
                                                                          people, ballot):
    a, b, c = option_ids(ballot)
    cast_all(db, ballot, people[:2], lambda i: {a: "yes"})
    mixed.issue_paper(db, official, ballot, people[5])
    db.commit()
    error = refused("paper_exceeds_issued", mixed.close_mixed, db, official, ballot,
                    {a: (2, 0, 0), b: (0, 0, 0), c: (0, 0, 0)}, paper_ballots=2,
                    unlock=unlock_all(db, ballot))
    assert (error.params["found"], error.params["issued"]) == (2, 1)
    db.rollback()
    assert db.get(Ballot, ballot.id).status == "open"
    assert db.get(BallotSeal, ballot.id) is not None
    assert len(db.scalars(select(SealedBallot).where(SealedBallot.ballot_id == ballot.id)).all()
               ) == 2


def test_paper_marks_above_the_paper_ballots_found_are_refused(db, official, people, ballot):
    a, b, c = option_ids(ballot)
    for person in people[:2]:
        mixed.issue_paper(db, official, ballot, person)
    db.commit()
    refused("invalid_paper_totals", mixed.close_mixed, db, official, ballot,
            {a: (2, 1, 0), b: (0, 0, 0), c: (0, 0, 0)}, paper_ballots=2,
            unlock=unlock_all(db, ballot))
    db.rollback()
    refused("invalid_paper_totals", mixed.close_mixed, db, official, ballot,
            {a: (1, 0, 0), b: (0, 0, 0), c: (0, 0, 0)}, paper_ballots=-1,
            unlock=unlock_all(db, ballot))


def test_the_count_is_the_sum_of_the_electronic_ballots_and_the_paper_totals(db, official,
                                                                             people):
    ballot = counted_mixed(db, official, people)
    a, b, c = option_ids(ballot)
    stored = db.get(Ballot, ballot.id)
    assert (stored.status, stored.mode, stored.ballots_cast, stored.paper_ballots,
            stored.present) == ("closed", "mixed", 7, 2, 8)
    result = json.loads(json.dumps(mixed.split(db, stored, _result(db, stored)).parts))
    assert result == {str(a): [[5, 0, 0], [2, 0, 0]], str(b): [[3, 2, 0], [1, 1, 0]],
                      str(c): [[1, 3, 1], [0, 2, 0]]}
    rows = {r["id"]: (r["yes"], r["no"], r["abstain"], r["status"])
            for r in _result(db, stored)["rows"]}
    assert rows == {a: (7, 0, 0, "adopted"), b: (4, 3, 0, "failed"), c: (1, 5, 1, "failed")}
    paper = {t.option_id: (t.yes, t.no, t.abstain) for t in db.scalars(
        select(PaperTotal).where(PaperTotal.ballot_id == ballot.id))}
    assert paper == {a: (2, 0, 0), b: (1, 1, 0), c: (0, 2, 0)}
    closed = [e for e in _ledger(db, ballot) if e["kind"] == "closed"][0]["payload"]
    assert (closed["mode"], closed["paper_issued"], closed["paper_ballots"],
            closed["ballots_cast"]) == ("mixed", 3, 2, 7)


def test_the_published_mixed_ballot_verifies(db, official, people):
    ballot = counted_mixed(db, official, people)
    publish_ballot(db, official, ballot)
    db.commit()
    doc = json.loads(published_bulletin(db, ballot.id))
    assert doc["format"] == "yishi-bulletin/2"
    assert doc["paper_count"] == {"issued": 3, "found": 2}
    assert len(doc["ballots"]) == 5 and doc["ballots_cast"] == 7
    assert [m["paper"] for m in doc["roster"]["members"]] == [False] * 5 + [True] * 3 + [False]
    assert check_bulletin(doc) == []
    report = verify_ballot(db, ballot.id)
    assert report.ok, report.problems


def test_a_roll_call_cannot_be_mixed(db, official, people):
    draft = new_ballot(db, official, people.assembly, opened=False,
                       rules=BallotRules(secret=False))
    refused("roll_call_not_mixed", mixed.choose_mode, db, official, draft, "mixed")
    db.rollback()
    other = new_ballot(db, official, people.assembly, opened=False)
    mixed.choose_mode(db, official, other, "mixed")
    update_rules(db, official, other, BallotRules(secret=False))
    db.commit()
    refused("roll_call_not_mixed", open_ballot, db, official, other)


def test_the_mode_is_chosen_in_the_draft_only(db, official, people, ballot):
    refused("rules_frozen", mixed.choose_mode, db, official, ballot, "electronic")
    db.rollback()
    draft = new_ballot(db, official, people.assembly, opened=False)
    refused("invalid_choice", mixed.choose_mode, db, official, draft, "paper")


def test_nothing_links_a_person_to_an_electronic_ballot(db, official, people):
    """Who took paper is public; the electronic ballots stay apart from every person."""
    ballot = counted_mixed(db, official, people)
    columns = {c["name"] for c in inspect(db.connection()).get_columns("paper_ballot_issues")}
    assert columns == {"ballot_id", "user_id", "issued_by_id"}
    for table in inspect(db.connection()).get_table_names():
        for fk in inspect(db.connection()).get_foreign_keys(table):
            assert fk["referred_table"] not in {"cast_ballots", "sealed_ballots"}, table
    publish_ballot(db, official, ballot)
    db.commit()
    doc = json.loads(published_bulletin(db, ballot.id))
    assert all(set(b) == {"tracker", "choices", "hash"} for b in doc["ballots"])
    names = {m["name"] for m in doc["roster"]["members"]}
    text = json.dumps(doc["ballots"], ensure_ascii=False)
    assert not any(name in text for name in names)
    issued = db.scalars(select(PaperIssue.user_id).where(PaperIssue.ballot_id == ballot.id))
    assert set(issued) == {p.id for p in people[5:8]}


def _result(db, ballot):
    from votes.closing import ballot_result

    return ballot_result(db, ballot)


def _ledger(db, ballot):
    from votes.ledger import entries

    return entries(db, ballot.id)
