"""Verification: a clean ballot checks out from the database and from bulletin.json alone."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.functional.builders import cast_all, new_ballot, option_ids, seat_delegates, unlock_all
from votes.bulletin import published_bulletin, verify_ballot
from votes.closing import close_ballot, enter_paper_totals, publish_ballot
from votes.rules import BallotRules

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_bulletin.py"


def run_script(path, *extra):
    # A bare interpreter with no project on its path: the verifier must stand alone.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", str(SCRIPT), str(path), *extra],
        capture_output=True, text=True, cwd=path.parent, check=False,
    )


@pytest.fixture
def published(db, official, admin, assembly, make_user):
    """A published secret ballot: 9 delegates, 8 voted, 2 seats among 4 projects."""
    people = seat_delegates(db, assembly, admin, make_user, 9)
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=2, budget_cap=900),
                        options=4, costs=[500, 300, 400, 100])
    a, b, c, d = option_ids(ballot)
    marks = [{a: "yes", b: "yes", c: "no"}, {a: "yes", b: "no", d: "yes"},
             {a: "yes", b: "yes"}, {b: "yes", c: "yes"}, {a: "no", b: "yes", d: "yes"},
             {a: "yes", c: "yes"}, {a: "yes", b: "yes", c: "no", d: "no"}, {}]
    cast_all(db, ballot, people[:8], lambda i: marks[i])
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()
    return ballot


def write_bulletin(db, ballot, tmp_path):
    path = tmp_path / "bulletin.json"
    path.write_text(published_bulletin(db, ballot.id), encoding="utf-8")
    return path


def test_a_clean_ballot_verifies_from_the_database_and_from_the_file(db, published, tmp_path):
    report = verify_ballot(db, published.id)
    assert report.ok and report.problems == []
    doc = json.loads(published_bulletin(db, published.id))
    assert doc["result"]["adopted"]  # a real result, not an empty one
    digest = db.execute(text("SELECT bulletin_digest FROM ballot_results WHERE ballot_id = :b"),
                        {"b": published.id}).scalar()
    checked = run_script(write_bulletin(db, published, tmp_path), "--digest", digest)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK" in checked.stdout and digest in checked.stdout


def test_editing_one_cast_ballot_in_the_database_fails_verification(db, published):
    tracker = json.loads(published_bulletin(db, published.id))["ballots"][0]["tracker"]
    a = option_ids(published)[0]
    db.execute(text("UPDATE cast_ballots SET choices = :c WHERE tracker = :t"),
               {"c": json.dumps({str(a): "no"}), "t": tracker})
    report = verify_ballot(db, published.id)
    assert not report.ok
    assert any(tracker in p and "hash" in p for p in report.problems)
    assert any("ballots differs from the database" in p for p in report.problems)


def test_a_forged_ballot_with_a_matching_hash_still_changes_the_count(db, published):
    # Someone who also recomputes the hash cannot hide: the stored result no longer follows.
    from votes.casting import ballot_hash, choices_json

    tracker = json.loads(published_bulletin(db, published.id))["ballots"][0]["tracker"]
    forged = choices_json(dict.fromkeys(option_ids(published), "no"))
    db.execute(text("UPDATE cast_ballots SET choices = :c, hash = :h WHERE tracker = :t"),
               {"c": forged, "h": ballot_hash(tracker, forged), "t": tracker})
    report = verify_ballot(db, published.id)
    assert any("result does not follow" in p for p in report.problems)


def test_editing_one_choice_in_the_file_fails_the_standalone_verifier(db, published, tmp_path):
    path = write_bulletin(db, published, tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    choices = doc["ballots"][0]["choices"]
    first = str(option_ids(published)[0])
    choices[first] = "no" if choices.get(first) == "yes" else "yes"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    checked = run_script(path)
    assert checked.returncode == 1
    assert "hash does not match its choices" in checked.stdout


def test_a_pretty_printed_bulletin_still_verifies_but_a_wrong_digest_does_not(db, published,
                                                                              tmp_path):
    path = write_bulletin(db, published, tmp_path)
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2,
                               ensure_ascii=True), encoding="utf-8")
    assert run_script(path).returncode == 0
    wrong = run_script(path, "--digest", "0" * 64)
    assert wrong.returncode == 1 and "digest" in wrong.stdout


def test_tampering_with_a_ledger_entry_fails_both_ways(db, published, tmp_path):
    path = write_bulletin(db, published, tmp_path)
    db.execute(text("UPDATE ballot_ledger SET payload_json = REPLACE(payload_json, :old, :new)"
                    " WHERE ballot_id = :b AND seq = 2"),
               {"old": '"entitled":9', "new": '"entitled":10', "b": published.id})
    report = verify_ballot(db, published.id)
    assert any("ledger entry 2: hash does not match" in p for p in report.problems)

    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["ledger"][1]["payload"]["entitled"] = 10
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    checked = run_script(path)
    assert checked.returncode == 1 and "ledger entry 2" in checked.stdout


def test_replacing_the_stored_bulletin_is_caught_by_the_ledger(db, published):
    doc = json.loads(published_bulletin(db, published.id))
    doc["ballot"]["title"] = "另一个标题"
    forged = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    from votes.ledger import sha256_hex

    db.execute(text("UPDATE ballot_results SET bulletin_json = :j, bulletin_digest = :d"
                    " WHERE ballot_id = :b"),
               {"j": forged, "d": sha256_hex(forged), "b": published.id})
    report = verify_ballot(db, published.id)
    assert report.problems == ["the ledger's published digest is not the stored bulletin's",
                               "published bulletin: ballot.title differs from the ledger's"
                               " creation entry",
                               "published bulletin: ballot.title differs from the database"]


def test_the_flask_command_reports_and_fails_on_tampering(app, db, published):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["ballot", "verify", str(published.id)])
    assert clean.exit_code == 0 and "OK" in clean.output
    db.execute(text("UPDATE cast_ballots SET choices = '{}' WHERE ballot_id = :b"),
               {"b": published.id})
    db.commit()
    broken = runner.invoke(args=["ballot", "verify", str(published.id)])
    assert broken.exit_code == 1 and "FAIL" in broken.output
    missing = runner.invoke(args=["ballot", "verify", "999999"])
    assert missing.exit_code == 1 and "no such ballot" in missing.output


def test_paper_and_roll_call_ballots_verify_too(db, official, admin, assembly, make_user,
                                                tmp_path):
    people = seat_delegates(db, assembly, admin, make_user, 6)
    paper = new_ballot(db, official, assembly)
    a, b, c = option_ids(paper)
    enter_paper_totals(db, official, paper, {a: (5, 1, 0), b: (2, 2, 2), c: (0, 6, 0)},
                       ballots_cast=6, present=6)
    publish_ballot(db, official, paper)
    named = new_ballot(db, official, assembly, rules=BallotRules(secret=False))
    ids = option_ids(named)
    cast_all(db, named, people, lambda i: {ids[i % 3]: "yes", ids[(i + 1) % 3]: "no"})
    close_ballot(db, official, named, unlock=unlock_all(db, named))
    publish_ballot(db, official, named)
    db.commit()
    for ballot in (paper, named):
        assert verify_ballot(db, ballot.id).ok
        assert run_script(write_bulletin(db, ballot, tmp_path)).returncode == 0
    db.execute(text("UPDATE roll_call_votes SET choices = '{}' WHERE ballot_id = :b"),
               {"b": named.id})
    assert "the roll call does not match the ballots" in verify_ballot(db, named.id).problems
    db.execute(text("UPDATE paper_totals SET yes = 6, no = 0 WHERE option_id = :o"), {"o": b})
    assert not verify_ballot(db, paper.id).ok


def test_an_open_ballot_has_nothing_to_verify(db, official, assembly, delegates_3):
    ballot = new_ballot(db, official, assembly)
    report = verify_ballot(db, ballot.id)
    assert not report.ok and "not counted" in report.problems[0]


@pytest.fixture
def delegates_3(db, assembly, admin, make_user):
    return seat_delegates(db, assembly, admin, make_user, 3)
