"""A published mixed ballot's bulletin, tampered with: both verifiers notice; old ones verify.

As in test_verifier_tamper.py, each tamper recomputes what the verifiers recompute (the
result and its hash, the ledger's chain), so only the cross-checks are left to catch it.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.ballots.mixed_builders import counted_mixed
from tests.functional.builders import cast_all, new_ballot, option_ids, seat_delegates, unlock_all
from votes.bulletin import check_bulletin, digest, published_bulletin
from votes.closing import close_ballot, publish_ballot
from votes.ledger import GENESIS, canonical_json, entry_hash, sha256_hex

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_bulletin.py"
_spec = importlib.util.spec_from_file_location("verify_bulletin_mixed", SCRIPT)
standalone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standalone)


class People(list):
    assembly = None


@pytest.fixture
def people(db, admin, assembly, make_user):
    found = People(seat_delegates(db, assembly, admin, make_user, 9))
    found.assembly = assembly
    return found


def _published(db, official, ballot):
    stored = publish_ballot(db, official, ballot)
    db.commit()
    return json.loads(published_bulletin(db, ballot.id)), stored.bulletin_digest


@pytest.fixture
def mixed_doc(db, official, people):
    return _published(db, official, counted_mixed(db, official, people))


@pytest.fixture
def electronic_doc(db, official, people):
    ballot = new_ballot(db, official, people.assembly)
    a, *_ = option_ids(ballot)
    cast_all(db, ballot, people[:6], lambda i: {a: "yes"})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    return _published(db, official, ballot)


def run_script(path, *extra):
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", str(SCRIPT), str(path), *extra],
        capture_output=True, text=True, cwd=path.parent, check=False)


def write(doc, tmp_path):
    path = tmp_path / "bulletin.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def rechain(doc):
    prev = GENESIS
    for seq, e in enumerate(doc["ledger"], start=1):
        e["seq"], e["prev_hash"] = seq, prev
        e["hash"] = prev = entry_hash(prev, seq, e["kind"], e["payload"])
    doc["ledger_head"] = prev


def closed(doc):
    return next(e["payload"] for e in doc["ledger"] if e["kind"] == "closed")


def recount(doc, *, thorough=False):
    """The result made to follow from the tampered figures, and the ledger's result hash;
    `thorough`: the closing entry's figures rewritten to match too."""
    honest = copy.deepcopy(doc)
    count = honest.get("paper_count") or {}
    count["issued"] = max(count.get("issued", 0), count.get("found", 0))  # count regardless
    doc["result"] = standalone.recount(honest)
    doc["result_hash"] = sha256_hex(canonical_json(doc["result"]))
    closed(doc)["result_hash"] = doc["result_hash"]
    if thorough:
        closed(doc).update(ballots_cast=doc["ballots_cast"], totals=doc["paper_totals"],
                           paper_issued=doc["paper_count"]["issued"],
                           paper_ballots=doc["paper_count"]["found"])
    rechain(doc)


def members(doc, **flags):
    return [m for m in doc["roster"]["members"]
            if all(m.get(k, False) == v for k, v in flags.items())]


def find_more_than_issued(doc):
    doc["paper_count"]["found"] = doc["paper_count"]["issued"] + 1
    doc["ballots_cast"] = len(doc["ballots"]) + doc["paper_count"]["found"]
    first = next(iter(doc["paper_totals"]))
    doc["paper_totals"][first][0] += 2
    recount(doc, thorough=True)


def hand_paper_to_a_voter(doc):
    members(doc, voted=True)[0]["paper"] = True
    doc["paper_count"]["issued"] += 1
    recount(doc, thorough=True)


def change_paper_totals(doc):
    first = next(iter(doc["paper_totals"]))
    doc["paper_totals"][first] = [0, 2, 0]
    recount(doc)


def undercount_issued(doc):
    doc["paper_count"]["issued"] -= 1
    recount(doc, thorough=True)


def paper_to_an_absentee(doc):
    taker = members(doc, paper=True)[0]
    taker["paper"] = False
    absentee = members(doc, present=False)[0]
    absentee["paper"] = True  # handed paper without being there


def call_it_electronic(doc):
    doc["ballot"]["mode"] = "electronic"
    closed(doc)["mode"] = "electronic"
    rechain(doc)


def drop_the_paper_count(doc):
    doc["paper_count"] = None


def drop_the_mode_choice(doc):
    doc["ledger"] = [e for e in doc["ledger"] if e["kind"] != "mode_chosen"]
    rechain(doc)


def choose_the_mode_after_opening(doc):
    at = next(i for i, e in enumerate(doc["ledger"]) if e["kind"] == "opened")
    doc["ledger"].insert(at + 1, {"kind": "mode_chosen", "payload": {"mode": "mixed"}})
    doc["ledger"] = [e for i, e in enumerate(doc["ledger"])
                     if e["kind"] != "mode_chosen" or i > at]
    rechain(doc)


def drop_an_electronic_ballot_for_a_paper_one(doc):
    """The audit's second case, mixed: one ballot fewer on screen, one more in the box."""
    doc["ballots"].pop(0)
    members(doc, voted=True)[0]["voted"] = False
    doc["paper_count"]["found"] += 1
    first = next(iter(doc["paper_totals"]))
    doc["paper_totals"][first][0] += 1
    recount(doc)


MIXED = [find_more_than_issued, hand_paper_to_a_voter, change_paper_totals, undercount_issued,
         paper_to_an_absentee, call_it_electronic, drop_the_paper_count, drop_the_mode_choice,
         choose_the_mode_after_opening, drop_an_electronic_ballot_for_a_paper_one]


def test_the_untouched_mixed_bulletin_passes_both_verifiers(mixed_doc, tmp_path):
    doc, sealed = mixed_doc
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    checked = run_script(write(doc, tmp_path), "--digest", sealed)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("tamper", MIXED, ids=[t.__name__ for t in MIXED])
def test_both_verifiers_catch_tampering_with_a_mixed_bulletin(mixed_doc, tamper, tmp_path):
    doc, sealed = mixed_doc
    before = copy.deepcopy(doc)
    tamper(doc)
    assert doc != before and digest(doc) != sealed
    assert check_bulletin(doc), "votes.bulletin.check_bulletin missed it"
    assert standalone.verify(doc), "the standalone verifier missed it"
    alone = run_script(write(doc, tmp_path))
    assert alone.returncode == 1 and "FAIL" in alone.stdout, alone.stdout


def test_a_consistent_rewrite_of_bulletin_and_ledger_is_caught_by_the_digest(mixed_doc,
                                                                           tmp_path):
    """As for an electronic ballot (docs/bulletin.md): one ballot moved from screen to box,
    with the closing entry and the whole chain rewritten, shows only in the digest."""
    doc, sealed = mixed_doc
    drop_an_electronic_ballot_for_a_paper_one(doc)
    recount(doc, thorough=True)
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    checked = run_script(write(doc, tmp_path), "--digest", sealed)
    assert checked.returncode == 1 and "digest is not the one given" in checked.stdout


def test_paper_marks_in_an_electronic_bulletin_are_caught(electronic_doc):
    doc, _ = electronic_doc
    doc["roster"]["members"][0]["paper"] = True
    assert any("paper ballot" in p for p in check_bulletin(doc))
    assert any("paper ballot" in p for p in standalone.verify(doc))


def test_a_bulletin_of_format_1_still_verifies(electronic_doc, tmp_path):
    """Published before mixed ballots: no paper flags, no paper count, format 1."""
    doc, _ = electronic_doc
    doc["format"] = "yishi-bulletin/1"
    del doc["paper_count"]
    for member in doc["roster"]["members"]:
        del member["paper"]
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    assert run_script(write(doc, tmp_path)).returncode == 0
