"""Tampering with a real published bulletin, field by field: both verifiers must notice.

Each tamper is made the way an attacker who knows the old checks would make it: hashes the
verifiers recompute are recomputed (a ballot's hash, the result hash, the ledger chain and its
head), so only the cross-checks against the ledger's own records are left to catch it. The
digest published in the ledger catches every change, and is checked too.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.functional.builders import cast_all, new_ballot, option_ids, seat_delegates, unlock_all
from votes.bulletin import check_bulletin, digest, published_bulletin
from votes.casting import ballot_hash, check_in, new_tracker, roster_hash
from votes.closing import close_ballot, enter_paper_totals, publish_ballot
from votes.ledger import GENESIS, canonical_json, entry_hash, sha256_hex
from votes.rules import BallotRules

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_bulletin.py"
_spec = importlib.util.spec_from_file_location("verify_bulletin", SCRIPT)
standalone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standalone)


def run_script(path, *extra):
    # A bare interpreter with no project on its path: the verifier must stand alone.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", str(SCRIPT), str(path), *extra],
        capture_output=True, text=True, cwd=path.parent, check=False,
    )


# --- real bulletins ---------------------------------------------------------------------------


def _secret(db, official, people):
    """9 on the roster, 8 voted (all present), the ninth absent; 2 seats among 4 projects."""
    ballot = new_ballot(db, official, people.assembly, options=4, costs=[500, 300, 400, 100],
                        rules=BallotRules(seats=2, budget_cap=900))
    a, b, c, d = option_ids(ballot)
    marks = [{a: "yes", b: "yes", c: "no"}, {a: "yes", b: "no", d: "yes"},
             {a: "yes", b: "yes"}, {b: "yes", c: "yes"}, {a: "no", b: "yes", d: "yes"},
             {a: "yes", c: "yes"}, {a: "yes", b: "yes", c: "no", d: "no"}, {}]
    cast_all(db, ballot, people[:8], lambda i: marks[i])
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    return ballot


def _roll_call(db, official, people):
    """A roll call: 6 of 9 vote, each differently from the next; the first option passes."""
    ballot = new_ballot(db, official, people.assembly, rules=BallotRules(secret=False))
    a, *others = option_ids(ballot)
    cast_all(db, ballot, people[:6], lambda i: {a: "yes" if i < 5 else "no",
                                                others[i % 2]: "yes", others[1 - i % 2]: "no"})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    return ballot


def _paper(db, official, people):
    """A paper count: 7 ballots, 8 in the hall of whom 2 checked in electronically."""
    ballot = new_ballot(db, official, people.assembly, rules=BallotRules(seats=2))
    a, b, c = option_ids(ballot)
    for person in people[:2]:
        check_in(db, official, ballot, delegate=person)
    enter_paper_totals(db, official, ballot, {a: (6, 1, 0), b: (5, 2, 0), c: (1, 5, 1)},
                       ballots_cast=7, present=8)
    return ballot


KINDS = {"secret": _secret, "roll_call": _roll_call, "paper": _paper}


class People(list):
    assembly = None


@pytest.fixture
def people(db, admin, assembly, make_user):
    found = People(seat_delegates(db, assembly, admin, make_user, 9))
    found.assembly = assembly
    return found


@pytest.fixture
def publish(db, official, people):
    """publish(kind) -> (bulletin as a dict, its digest)."""
    def make(kind):
        ballot = KINDS[kind](db, official, people)
        stored = publish_ballot(db, official, ballot)
        db.commit()
        text = published_bulletin(db, ballot.id)
        assert stored.bulletin_digest == sha256_hex(text)
        return json.loads(text), stored.bulletin_digest
    return make


# --- what an attacker recomputes --------------------------------------------------------------


def rechain(doc):
    """Recompute every ledger hash and the head, as someone rewriting the ledger would."""
    prev = GENESIS
    for seq, entry in enumerate(doc["ledger"], start=1):
        entry["seq"], entry["prev_hash"] = seq, prev
        entry["hash"] = prev = entry_hash(prev, seq, entry["kind"], entry["payload"])
    doc["ledger_head"] = prev


def recount(doc):
    """Make the result follow from the (tampered) ballots, and the ledger's result hash too."""
    doc["result"] = standalone.recount(copy.deepcopy(doc))
    doc["result_hash"] = sha256_hex(canonical_json(doc["result"]))
    entry(doc, "closed")["result_hash"] = doc["result_hash"]
    rechain(doc)


def entry(doc, kind):
    return next(e["payload"] for e in doc["ledger"] if e["kind"] == kind)


def rehash(ballot):
    ballot["hash"] = ballot_hash(ballot["tracker"], canonical_json(ballot["choices"]))


def member(doc, *, voted, present=None):
    return next(m for m in doc["roster"]["members"] if m["voted"] == voted
                and (present is None or m["present"] == present))


def put(name, path, value):
    """A tamper that sets one field."""
    def tamper(doc):
        *parents, last = path
        for key in parents:
            doc = doc[key]
        doc[last] = value
    tamper.__name__ = name
    return tamper


retitle = put("retitle", ("ballot", "title"), "另一次票决")
resubject = put("resubject", ("ballot", "subject_id"), 999)
call_it_paper = put("call_it_paper", ("ballot", "mode"), "paper")
backdate_opening = put("backdate_opening", ("ballot", "opened_at"), "2020-01-01T00:00:00Z")
backdate_closing = put("backdate_closing", ("ballot", "closed_at"), "2020-01-02T00:00:00Z")
forge_roster_hash = put("forge_roster_hash", ("roster", "hash"), "0" * 64)
forge_result_hash = put("forge_result_hash", ("result_hash",), "0" * 64)
change_format = put("change_format", ("format",), "yishi-bulletin/0")
move_responsibility = put("move_responsibility", ("candidates", 0, "unit"), "别的单位")
rename_assembly = put("rename_assembly", ("ballot", "assembly"), "别的人大")


def reveal_secret(doc):
    doc["ballot"]["secret"] = not doc["ballot"]["secret"]


def change_rules(doc):
    doc["rules"]["seats"] = 1
    doc["rules_hash"] = sha256_hex(canonical_json(doc["rules"]))
    recount(doc)


def swap_titles(doc):  # the audit's first case
    first, second = doc["candidates"][:2]
    first["title"], second["title"] = second["title"], first["title"]


def cheapen(doc):
    doc["candidates"][0]["cost"] = 1
    recount(doc)


def add_candidate(doc):
    doc["candidates"].append({**doc["candidates"][-1], "id": doc["candidates"][-1]["id"] + 1,
                              "title": "凭空出现的项目"})
    recount(doc)


def inflate_entitled(doc):
    doc["roster"]["entitled"] += 1


def inflate_present(doc):
    doc["roster"]["present"] += 1


def add_member(doc):
    members = doc["roster"]["members"]
    members.append({"id": members[-1]["id"] + 1000, "name": "冒名代表", "present": False,
                    "voted": False})
    doc["roster"]["entitled"] = len(members)
    doc["roster"]["hash"] = roster_hash([m["id"] for m in members])
    entry(doc, "opened")["roster_hash"] = doc["roster"]["hash"]
    recount(doc)


def move_a_vote_to_an_absentee(doc):
    member(doc, voted=True)["voted"] = False
    member(doc, voted=False, present=False)["voted"] = True


def check_in_an_absentee(doc):
    member(doc, voted=False, present=False)["present"] = True
    doc["roster"]["present"] += 1
    recount(doc)


def drop_a_ballot(doc):  # the audit's second case: flags, totals and ledger rewritten
    doc["ballots"].pop(0)
    member(doc, voted=True)["voted"] = False
    doc["ballots_cast"] -= 1
    recount(doc)


def add_a_ballot(doc):
    forged = {"tracker": new_tracker(), "choices": doc["ballots"][0]["choices"]}
    rehash(forged)
    doc["ballots"] = sorted([*doc["ballots"], forged], key=lambda b: b["tracker"])
    absentee = member(doc, voted=False, present=False)
    absentee["voted"] = absentee["present"] = True
    doc["roster"]["present"] += 1
    doc["ballots_cast"] += 1
    if doc["roll_call"] is not None:
        doc["roll_call"] = sorted([*doc["roll_call"], {"id": absentee["id"],
                                   "name": absentee["name"], "choices": forged["choices"]}],
                                  key=lambda v: v["id"])
    recount(doc)


def reorder_ballots(doc):
    doc["ballots"].reverse()


def inflate_cast(doc):
    doc["ballots_cast"] += 1


def swap_roll_call(doc):  # the audit's third case: the multiset stays the same
    first, second = doc["roll_call"][:2]
    assert first["choices"] != second["choices"]
    first["choices"], second["choices"] = second["choices"], first["choices"]


def rename_in_roll_call(doc):
    doc["roll_call"][0]["name"] = "别人"


def roll_call_names_a_non_voter(doc):
    doc["roll_call"][-1]["id"] = member(doc, voted=False)["id"]
    doc["roll_call"].sort(key=lambda v: v["id"])


def drop_from_roll_call(doc):
    doc["roll_call"].pop()


def change_paper_totals(doc):
    first = next(iter(doc["paper_totals"]))
    doc["paper_totals"][first] = [2, 5, 0]
    recount(doc)


def claim_electronic_votes(doc):
    present = member(doc, voted=False, present=True)
    present["voted"] = True


def adopt_another(doc):
    doc["result"]["adopted"] = doc["result"]["adopted"][::-1][:1]


def edit_ledger(doc):
    entry(doc, "opened")["entitled"] += 1


def move_head(doc):
    doc["ledger_head"] = doc["ledger"][0]["hash"]


def drop_creation(doc):
    doc["ledger"].pop(0)
    rechain(doc)


def forge_tie_resolution(doc):
    doc["ledger"].append({"kind": "tie_resolved", "payload": {
        "adopted": [doc["candidates"][-1]["id"] + 100], "reason": "抽签", "actor_id": 1}})
    rechain(doc)


SECRET = [retitle, resubject, call_it_paper, reveal_secret, backdate_opening, backdate_closing,
          change_rules, swap_titles, cheapen, add_candidate, inflate_entitled, inflate_present,
          forge_roster_hash, add_member, move_a_vote_to_an_absentee, check_in_an_absentee,
          drop_a_ballot, add_a_ballot, reorder_ballots, inflate_cast, adopt_another,
          forge_result_hash, edit_ledger, move_head, drop_creation, forge_tie_resolution,
          change_format]
ROLL_CALL = [swap_roll_call, rename_in_roll_call, roll_call_names_a_non_voter,
             drop_from_roll_call, drop_a_ballot, add_a_ballot, move_responsibility]
PAPER = [change_paper_totals, swap_titles, inflate_present, inflate_cast, claim_electronic_votes]
TAMPERING = ([("secret", t) for t in SECRET] + [("roll_call", t) for t in ROLL_CALL]
             + [("paper", t) for t in PAPER])


def write(doc, tmp_path):
    path = tmp_path / "bulletin.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_untouched_bulletin_passes_both_verifiers(publish, kind, tmp_path):
    doc, sealed = publish(kind)
    assert doc["result"]["adopted"]  # a real result, not an empty one
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    for extra in ((), ("--digest", sealed)):
        checked = run_script(write(doc, tmp_path), *extra)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    if kind == "roll_call":
        assert "roll_call_hash" in entry(doc, "closed")


@pytest.mark.parametrize(("kind", "tamper"), TAMPERING,
                         ids=[f"{k}-{t.__name__}" for k, t in TAMPERING])
def test_both_verifiers_catch_tampering(publish, kind, tamper, tmp_path):
    doc, sealed = publish(kind)
    before = copy.deepcopy(doc)
    tamper(doc)
    assert doc != before and digest(doc) != sealed
    assert check_bulletin(doc), "votes.bulletin.check_bulletin missed it"
    path = write(doc, tmp_path)
    alone = run_script(path)
    assert alone.returncode == 1 and "FAIL" in alone.stdout, alone.stdout
    with_digest = run_script(path, "--digest", sealed)
    assert with_digest.returncode == 1
    assert "the bulletin's digest is not the one given" in with_digest.stdout


# The audit's three cases, each caught by the check that was missing.
AUDIT = [("secret", swap_titles, "title differs from the ledger's creation entry"),
         ("secret", drop_a_ballot, "the ledger's closing entry has another ballots_cast"),
         ("roll_call", swap_roll_call,
          "the roll call differs from the one recorded when the ballot closed")]


@pytest.mark.parametrize(("kind", "tamper", "problem"), AUDIT,
                         ids=[t.__name__ for _, t, _ in AUDIT])
def test_the_audits_cases_are_named_by_both_verifiers(publish, kind, tamper, problem, tmp_path):
    doc, _ = publish(kind)
    tamper(doc)
    assert any(problem in p for p in check_bulletin(doc)), check_bulletin(doc)
    checked = run_script(write(doc, tmp_path))
    assert checked.returncode == 1 and problem in checked.stdout, checked.stdout


# What the ledger does not record is protected by the published digest alone (and, for the
# candidates, by `flask ballot verify` comparing the stored bulletin with the database). A
# secret ballot rewritten with its hash, recounted and its ledger rechained, is caught by the
# digest (and the ledger head), and by the voter who looks up their tracker.
def rewrite_a_ballot(doc):
    ballot = doc["ballots"][0]
    forged = {str(c["id"]): "no" for c in doc["candidates"]}
    assert ballot["choices"] != forged
    ballot["choices"] = forged
    rehash(ballot)
    recount(doc)


def rename_a_delegate(doc):
    voter = member(doc, voted=True)
    voter["name"] = "别人"
    for vote in doc["roll_call"] or []:
        if vote["id"] == voter["id"]:
            vote["name"] = "别人"


DIGEST_ONLY = [("roll_call", rename_a_delegate), ("roll_call", rename_assembly),
               ("secret", rewrite_a_ballot)]


@pytest.mark.parametrize(("kind", "tamper"), DIGEST_ONLY,
                         ids=[f"{k}-{t.__name__}" for k, t in DIGEST_ONLY])
def test_what_the_ledger_does_not_record_only_the_digest_pins(publish, kind, tamper, tmp_path):
    doc, sealed = publish(kind)
    tamper(doc)
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    checked = run_script(write(doc, tmp_path), "--digest", sealed)
    assert checked.returncode == 1 and "digest is not the one given" in checked.stdout
