"""`flask ballot verify` against the database: every table tampered with plain SQL (the ORM
refuses to rewrite most of them), before and after publication, is reported."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tests.functional.builders import cast_all, new_ballot, option_ids, seat_delegates, unlock_all
from votes.bulletin import verify_ballot
from votes.casting import ballot_hash, check_in, choices_json, new_tracker
from votes.closing import close_ballot, enter_paper_totals, publish_ballot
from votes.ledger import canonical_json, sha256_hex
from votes.rules import BallotRules


@pytest.fixture
def world(db, admin, assembly, make_user, official):
    """Nine delegates (the last one absent, the one before present but not voting) and a
    resident who is on no roster."""
    people = seat_delegates(db, assembly, admin, make_user, 9)
    return {"people": people, "outsider": make_user(name="局外人"), "official": official,
            "assembly": assembly}


def counted(db, world, kind, publish):
    """A counted ballot of `kind`: secret (7 of 9 vote), roll_call (7 of 9) or paper."""
    people, official = world["people"], world["official"]
    if kind == "paper":
        ballot = new_ballot(db, official, world["assembly"], rules=BallotRules(seats=2))
        a, b, c = option_ids(ballot)
        check_in(db, official, ballot, delegate=people[0])
        enter_paper_totals(db, official, ballot, {a: (6, 1, 0), b: (5, 2, 0), c: (1, 5, 1)},
                           ballots_cast=7, present=8)
    else:
        rules = BallotRules(seats=2, threshold_base="cast", secret=kind != "roll_call")
        ballot = new_ballot(db, official, world["assembly"], rules=rules, costs=[300, 200, 100])
        a, b, c = option_ids(ballot)
        marks = [{a: "yes", b: "yes"}, {a: "yes", c: "yes"}, {a: "yes", b: "no"},
                 {b: "yes", c: "no"}, {a: "yes", b: "yes", c: "yes"}, {a: "no"}, {c: "yes"}]
        cast_all(db, ballot, people[:7], lambda i: marks[i])
        check_in(db, official, ballot, delegate=people[7])
        close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    if publish:
        publish_ballot(db, official, ballot)
    db.commit()
    assert verify_ballot(db, ballot.id).ok, verify_ballot(db, ballot.id).problems
    assert json.loads(db.execute(text("SELECT result_json FROM ballot_results WHERE ballot_id"
                                      " = :b"), {"b": ballot.id}).scalar())["adopted"]
    return ballot


def sql(db, statement, **params):
    db.execute(text(statement), params)


# --- tampering, table by table: each returns a problem it must cause ---------------------------


def retitle_option(db, ballot, world):
    sql(db, "UPDATE ballot_options SET title = '别的项目' WHERE id = :o", o=option_ids(ballot)[0])
    return f"candidate {option_ids(ballot)[0]}: title differs from the ledger's creation entry"


def swap_option_titles(db, ballot, world):
    a, b, _ = option_ids(ballot)
    sql(db, "UPDATE ballot_options SET title = CASE id WHEN :a THEN '民生项目2'"
        " ELSE '民生项目1' END WHERE id IN (:a, :b)", a=a, b=b)
    return f"candidate {a}: title differs from the ledger's creation entry"


def reprice_option(db, ballot, world):
    sql(db, "UPDATE ballot_options SET cost = 1 WHERE id = :o", o=option_ids(ballot)[0])
    return f"candidate {option_ids(ballot)[0]}: cost differs from the ledger's creation entry"


def retitle_ballot(db, ballot, world):
    sql(db, "UPDATE ballots SET title = '别的票决' WHERE id = :b", b=ballot.id)
    return "ballot.title differs from the ledger's creation entry"


def lower_ballots_cast(db, ballot, world):
    sql(db, "UPDATE ballots SET ballots_cast = ballots_cast - 1 WHERE id = :b", b=ballot.id)
    return "the ledger's closing entry has another ballots_cast"


def move_voter_off_the_roster(db, ballot, world):  # the audit's case
    sql(db, "UPDATE voter_records SET user_id = :u WHERE ballot_id = :b AND user_id = :v",
        u=world["outsider"].id, b=ballot.id, v=world["people"][0].id)
    return f"voter records name people not on the roster: [{world['outsider'].id}]"


def move_voter_to_an_absentee(db, ballot, world):
    absent = world["people"][8]
    sql(db, "UPDATE voter_records SET user_id = :u WHERE ballot_id = :b AND user_id = :v",
        u=absent.id, b=ballot.id, v=world["people"][0].id)
    return f"delegates [{absent.id}] voted but are not marked present"


def drop_voter_record(db, ballot, world):
    sql(db, "DELETE FROM voter_records WHERE ballot_id = :b AND user_id = :v", b=ballot.id,
        v=world["people"][0].id)
    return "6 voter records, 7 cast ballots and 7 ballots cast do not agree"


def uncheck_present(db, ballot, world):
    sql(db, "UPDATE ballot_roster SET present = :f WHERE ballot_id = :b AND user_id = :u",
        f=False, b=ballot.id, u=world["people"][7].id)
    return "present is not the number of members present"


def drop_roster_entry(db, ballot, world):
    sql(db, "DELETE FROM ballot_roster WHERE ballot_id = :b AND user_id = :u", b=ballot.id,
        u=world["people"][8].id)
    return "roster members do not match the roster hash"


def forge_cast_ballot(db, ballot, world):
    marks = choices_json(dict.fromkeys(option_ids(ballot), "yes"))
    tracker = new_tracker()
    sql(db, "INSERT INTO cast_ballots (id, ballot_id, tracker, choices, hash)"
        " VALUES (:i, :b, :t, :c, :h)", i="f" * 32, b=ballot.id, t=tracker, c=marks,
        h=ballot_hash(tracker, marks))
    return "7 voter records, 8 cast ballots and 7 ballots cast do not agree"


def drop_cast_ballot(db, ballot, world):
    sql(db, "DELETE FROM cast_ballots WHERE ballot_id = :b AND tracker = (SELECT MIN(tracker)"
        " FROM cast_ballots WHERE ballot_id = :b)", b=ballot.id)
    return "7 voter records, 6 cast ballots and 7 ballots cast do not agree"


def swap_roll_call_rows(db, ballot, world):  # the audit's case
    first, second = world["people"][0].id, world["people"][1].id
    rows = dict(db.execute(text("SELECT user_id, choices FROM roll_call_votes WHERE ballot_id"
                                " = :b AND user_id IN (:x, :y)"),
                           {"b": ballot.id, "x": first, "y": second}).all())
    assert rows[first] != rows[second]
    sql(db, "UPDATE roll_call_votes SET choices = CASE user_id WHEN :x THEN :cy ELSE :cx END"
        " WHERE ballot_id = :b AND user_id IN (:x, :y)", x=first, y=second, cx=rows[first],
        cy=rows[second], b=ballot.id)
    return "the roll call differs from the one recorded when the ballot closed"


def move_roll_call_row(db, ballot, world):
    sql(db, "UPDATE roll_call_votes SET user_id = :u WHERE ballot_id = :b AND user_id = :v",
        u=world["people"][7].id, b=ballot.id, v=world["people"][0].id)
    return f"roll call: {world['people'][7].id} is not a roster member who voted"


def edit_paper_totals(db, ballot, world):
    sql(db, "UPDATE paper_totals SET yes = 2, no = 5 WHERE option_id = :o",
        o=option_ids(ballot)[0])
    return "the ledger's closing entry has another totals"


def rewrite_result(db, ballot, world):
    stored = json.loads(db.execute(text("SELECT result_json FROM ballot_results WHERE"
                                        " ballot_id = :b"), {"b": ballot.id}).scalar())
    stored["adopted"] = [option_ids(ballot)[-1]]  # adopted by neither count
    forged = canonical_json(stored)
    sql(db, "UPDATE ballot_results SET result_json = :j, result_hash = :h WHERE ballot_id = :b",
        j=forged, h=sha256_hex(forged), b=ballot.id)
    return "the ledger's closing entry has another result"


def edit_ledger_entry(db, ballot, world):
    sql(db, "UPDATE ballot_ledger SET payload_json = REPLACE(payload_json, :old, :new)"
        " WHERE ballot_id = :b AND kind = 'opened'", old='"entitled":9', new='"entitled":10',
        b=ballot.id)
    return "hash does not match its content"


def drop_closing_entry(db, ballot, world):
    sql(db, "DELETE FROM ballot_ledger WHERE ballot_id = :b AND kind = 'closed'", b=ballot.id)
    return "the ledger has 0 'closed' entries, not one"


TAMPERING = [
    ("secret", retitle_option), ("secret", swap_option_titles), ("secret", reprice_option),
    ("secret", retitle_ballot), ("secret", lower_ballots_cast),
    ("secret", move_voter_off_the_roster), ("secret", move_voter_to_an_absentee),
    ("secret", drop_voter_record), ("secret", uncheck_present), ("secret", drop_roster_entry),
    ("secret", forge_cast_ballot), ("secret", drop_cast_ballot), ("secret", rewrite_result),
    ("secret", edit_ledger_entry), ("secret", drop_closing_entry),
    ("roll_call", swap_roll_call_rows), ("roll_call", move_roll_call_row),
    ("roll_call", move_voter_off_the_roster), ("paper", edit_paper_totals),
    ("paper", retitle_option), ("paper", rewrite_result),
]


@pytest.mark.parametrize("publish", [False, True], ids=["closed", "published"])
@pytest.mark.parametrize(("kind", "tamper"), TAMPERING,
                         ids=[f"{k}-{t.__name__}" for k, t in TAMPERING])
def test_verify_reports_each_tampered_table(db, world, kind, tamper, publish):
    ballot = counted(db, world, kind, publish)
    problem = tamper(db, ballot, world)
    db.expire_all()  # read back as a fresh session (the command line's) would
    report = verify_ballot(db, ballot.id)
    assert not report.ok
    assert any(problem in p for p in report.problems), report.problems


def test_after_publication_the_stored_bulletin_is_compared_too(db, world):
    ballot = counted(db, world, "roll_call", publish=True)
    swap_roll_call_rows(db, ballot, world)
    db.expire_all()
    assert "published bulletin: roll call differs from the database" in verify_ballot(
        db, ballot.id).problems


def test_a_secret_ballot_with_roll_call_rows_or_paper_totals_is_reported(db, world):
    ballot = counted(db, world, "secret", publish=False)
    sql(db, "INSERT INTO roll_call_votes (ballot_id, user_id, choices) VALUES (:b, :u, '{}')",
        b=ballot.id, u=world["people"][0].id)
    sql(db, "INSERT INTO paper_totals (ballot_id, option_id, yes, no, abstain, entered_by_id)"
        " VALUES (:b, :o, 1, 0, 0, :u)", b=ballot.id, o=option_ids(ballot)[0],
        u=world["official"].id)
    db.expire_all()
    problems = verify_ballot(db, ballot.id).problems
    assert "a secret ballot has roll-call votes" in problems
    assert "an electronic ballot has paper totals" in problems


def test_a_sealed_box_left_behind_after_closing_is_reported(db, official, assembly, delegates):
    from sqlalchemy import text as sql

    from tests.functional.builders import cast_all, new_ballot, unlock_all
    from votes.bulletin import verify_ballot
    from votes.closing import close_ballot

    ballot = new_ballot(db, official, assembly)
    cast_all(db, ballot, delegates[:2], lambda i: {})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    assert verify_ballot(db, ballot.id).ok
    db.execute(sql("INSERT INTO sealed_ballots (id, ballot_id, box) VALUES ('x', :b, '00')"),
               {"b": ballot.id})
    report = verify_ballot(db, ballot.id)
    assert "a counted ballot still has sealed boxes or key shares" in report.problems
