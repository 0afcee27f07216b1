"""Bulletin checks: the project's and the standalone verifier agree and both catch tampering."""

from __future__ import annotations

import copy
import importlib.util
import random
from pathlib import Path

import pytest

from votes.bulletin import FORMAT, check_bulletin, digest, roll_call_hash
from votes.casting import ballot_hash, new_tracker, roster_hash
from votes.closing import result_dict
from votes.ledger import GENESIS, canonical_json, entry_hash, sha256_hex
from votes.rules import (
    BallotRules,
    CandidateInput,
    InvalidBallot,
    Majority,
    Method,
    ThresholdBase,
    tally,
    tally_from_totals,
    validate_choices,
)

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "verify_bulletin.py"
_spec = importlib.util.spec_from_file_location("verify_bulletin", SCRIPT)
standalone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standalone)


def make_doc(rules, costs, ballots=None, *, entitled, present, totals=None, cast=None):
    """A bulletin built from plain values, the way votes.bulletin lays one out."""
    ids = list(range(11, 11 + len(costs)))
    candidates = [CandidateInput(cid, cost) for cid, cost in zip(ids, costs, strict=True)]
    if totals is None:
        cast = len(ballots)
        result = tally(rules, candidates, [{int(k): v for k, v in b.items()} for b in ballots],
                       entitled, present)
    else:
        result = tally_from_totals(rules, candidates, {int(k): v for k, v in totals.items()},
                                   cast, entitled, present)
    stored = sorted(({"tracker": t, "choices": b, "hash": ballot_hash(t, canonical_json(b))}
                     for t, b in zip((new_tracker() for _ in ballots or []), ballots or [],
                                     strict=True)), key=lambda b: b["tracker"])
    members = [{"id": 100 + i, "name": f"代表{i}", "present": i < present,
                "voted": totals is None and i < cast} for i in range(entitled)]
    result_json = result_dict(result)
    doc = {
        "format": FORMAT,
        "ballot": {"id": 1, "title": "测试", "assembly": "测试区人大", "subject_type": "motion",
                   "subject_id": None, "mode": "electronic" if totals is None else "paper",
                   "secret": rules.secret, "opened_at": None, "closed_at": None,
                   "published_at": None},
        "rules": rules.as_dict(), "rules_hash": rules.rules_hash(),
        "candidates": [{"id": c.id, "title": f"项目{c.id}", "cost": c.cost, "unit": None,
                        "ref_id": None} for c in candidates],
        "roster": {"entitled": entitled, "present": present,
                   "hash": roster_hash([m["id"] for m in members]), "members": members},
        "ballots_cast": cast, "ballots": stored,
        "roll_call": None if rules.secret else [
            {"id": 100 + i, "name": f"代表{i}", "choices": b} for i, b in enumerate(ballots)],
        "paper_totals": totals,
        "result": result_json, "result_hash": sha256_hex(canonical_json(result_json)),
    }
    ballot = doc["ballot"]
    closed = {"mode": ballot["mode"], "ballots_cast": cast, "entitled": entitled,
              "present": present, "result_hash": doc["result_hash"], "at": None}
    if totals is not None:
        closed["totals"] = totals
    if not rules.secret:
        closed["roll_call_hash"] = roll_call_hash(doc["roll_call"])
    steps = [("created", {"title": ballot["title"], "subject_type": ballot["subject_type"],
                          "subject_id": ballot["subject_id"], "rules_hash": doc["rules_hash"],
                          "options": [{"id": c["id"], "title": c["title"], "cost": c["cost"]}
                                      for c in doc["candidates"]]}),
             ("opened", {"rules_hash": doc["rules_hash"], "roster_hash": doc["roster"]["hash"],
                         "entitled": entitled, "roster_date": "2027-03-01", "at": None}),
             ("closed", closed)]
    entries, prev = [], GENESIS
    for seq, (kind, payload) in enumerate(steps, start=1):
        entries.append({"seq": seq, "kind": kind, "payload": payload, "prev_hash": prev,
                        "hash": (prev := entry_hash(prev, seq, kind, payload))})
    doc["ledger"], doc["ledger_head"] = entries, prev
    return doc


def random_rules(rng, n):
    method = rng.choice(list(Method))
    bases = [b for b in ThresholdBase if not (method is Method.Y and b is ThresholdBase.YES_NO)]
    low = rng.randint(0, 1)
    top = rng.choice([None, rng.randint(max(1, low), n)])
    den = rng.randint(1, 4)
    return BallotRules(method=method, threshold_base=rng.choice(bases),
                       majority=rng.choice(list(Majority)), seats=rng.randint(1, n),
                       budget_cap=rng.choice([None, rng.randint(1, 60)]), min_selections=low,
                       max_selections=top, quorum_num=rng.randint(0, den), quorum_den=den,
                       secret=rng.random() < 0.8)


def random_ballot(rng, rules, ids):
    marks = {"YNA": ["yes", "no", None], "YN": ["yes", "no", None], "Y": ["yes", None]}
    while True:
        ballot = {str(cid): m for cid in ids if (m := rng.choice(marks[rules.method]))}
        try:
            validate_choices(rules, ids, {int(k): v for k, v in ballot.items()})
        except InvalidBallot:
            continue
        return ballot


def random_doc(rng):
    n = rng.randint(1, 5)
    rules = random_rules(rng, n)
    costs = [rng.choice([0, 5, 10, 20, 30]) for _ in range(n)]
    entitled = rng.randint(1, 12)
    ids = list(range(11, 11 + n))
    if rng.random() < 0.25:
        cast = rng.randint(0, entitled)
        totals = {}
        for cid in ids:
            yes = rng.randint(0, cast)
            no = 0 if rules.method is Method.Y else rng.randint(0, cast - yes)
            abstain = 0 if rules.method is Method.Y else rng.randint(0, cast - yes - no)
            totals[str(cid)] = [yes, no, abstain]
        rules = BallotRules(**{**rules.as_dict(), "secret": True})
        return make_doc(rules, costs, entitled=entitled, present=rng.randint(cast, entitled),
                        totals=totals, cast=cast)
    ballots = [random_ballot(rng, rules, ids) for _ in range(rng.randint(0, entitled))]
    # Few yes marks make ties and thin majorities common, where counting errors hide.
    return make_doc(rules, costs, ballots, entitled=entitled,
                    present=rng.randint(len(ballots), entitled))


def test_the_standalone_recount_agrees_with_the_rules_engine_on_many_ballots():
    rng = random.Random(2027)
    statuses = set()
    for _ in range(600):
        doc = random_doc(rng)
        assert standalone.recount(copy.deepcopy(doc)) == doc["result"], doc["rules"]
        assert standalone.verify(doc) == [] and check_bulletin(doc) == []
        statuses |= {row["status"] for row in doc["result"]["rows"]}
    assert statuses == {"adopted", "passed_not_adopted", "skipped_budget", "tie_pending",
                        "failed"}


@pytest.fixture
def doc():
    rules = BallotRules(seats=1, budget_cap=100, threshold_base="cast")
    ballots = [{"11": "yes", "12": "no"}, {"11": "yes"}, {"11": "no", "12": "yes"},
               {"11": "yes", "12": "yes"}]
    return make_doc(rules, [60, 50], ballots, entitled=5, present=5)


def _flip_choice(d):
    choices = d["ballots"][0]["choices"]
    choices["11"] = "no" if choices.get("11") == "yes" else "yes"


def _flip_and_rehash(d):
    b = d["ballots"][0]
    b["choices"] = {"11": "no", "12": "yes"} if b["choices"].get("11") == "yes" else {
        "11": "yes", "12": "no"}
    b["hash"] = ballot_hash(b["tracker"], canonical_json(b["choices"]))


def _drop_ballot(d):
    d["ballots"].pop()


def _reorder(d):
    d["ballots"].reverse()


def _adopt_another(d):
    d["result"]["adopted"] = [12]


def _mark_absent(d):
    d["roster"]["members"][0]["present"] = False


def _roll_call_on_secret(d):
    d["roll_call"] = [{"id": 100, "name": "代表0", "choices": {"11": "yes"}}]


def _lower_the_bar(d):
    d["rules"]["majority"] = "simple" if d["rules"]["majority"] != "simple" else "two_thirds"


def _edit_ledger(d):
    d["ledger"][1]["payload"]["roster_hash"] = "0" * 64


def _move_head(d):
    d["ledger_head"] = d["ledger"][0]["hash"]


TAMPERING = [_flip_choice, _flip_and_rehash, _drop_ballot, _reorder, _adopt_another,
             _mark_absent, _roll_call_on_secret, _lower_the_bar, _edit_ledger, _move_head]


def test_both_verifiers_accept_the_untouched_bulletin(doc):
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    assert doc["result"]["adopted"] == [11]


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__.strip("_"))
def test_both_verifiers_catch_tampering(doc, tamper):
    tamper(doc)
    assert check_bulletin(doc), "the project's check missed it"
    assert standalone.verify(doc), "the standalone verifier missed it"


def test_an_over_marked_ballot_in_a_bulletin_cannot_be_counted():
    rules = BallotRules(method=Method.Y, seats=1, max_selections=1, threshold_base="cast")
    doc = make_doc(rules, [0, 0], [{"11": "yes"}], entitled=3, present=3)
    doc["ballots"][0]["choices"]["12"] = "yes"
    doc["ballots"][0]["hash"] = ballot_hash(doc["ballots"][0]["tracker"],
                                            canonical_json(doc["ballots"][0]["choices"]))
    assert any("cannot be counted" in p for p in check_bulletin(doc))
    assert any("cannot be counted" in p for p in standalone.verify(doc))


def test_roll_call_must_match_the_ballots():
    rules = BallotRules(secret=False, threshold_base="cast")
    doc = make_doc(rules, [0], [{"11": "yes"}, {"11": "no"}], entitled=2, present=2)
    assert check_bulletin(doc) == [] and standalone.verify(doc) == []
    doc["roll_call"][1]["choices"] = {"11": "yes"}
    assert check_bulletin(doc) and standalone.verify(doc)


def test_roll_call_is_checked_person_by_person():
    rules = BallotRules(secret=False, threshold_base="cast")
    doc = make_doc(rules, [0], [{"11": "yes"}, {"11": "no"}], entitled=3, present=2)
    swapped = copy.deepcopy(doc)
    first, second = swapped["roll_call"]
    first["choices"], second["choices"] = second["choices"], first["choices"]
    wanted = "the roll call differs from the one recorded when the ballot closed"
    assert wanted in check_bulletin(swapped) and wanted in standalone.verify(swapped)
    stranger = copy.deepcopy(doc)
    stranger["roll_call"][1]["id"] = 102  # on the roster, but did not vote
    wanted = "roll call: 102 is not a roster member who voted"
    assert wanted in check_bulletin(stranger) and wanted in standalone.verify(stranger)


def test_what_the_ledger_recorded_is_compared_with_what_is_published(doc):
    doc["candidates"][0]["title"], doc["candidates"][1]["title"] = (
        doc["candidates"][1]["title"], doc["candidates"][0]["title"])
    wanted = "candidate 11: title differs from the ledger's creation entry"
    assert wanted in check_bulletin(doc) and wanted in standalone.verify(doc)


def test_unknown_ledger_kinds_are_chained_but_otherwise_ignored_by_the_script(doc):
    payload = {"note": "a kind added after this verifier was written"}
    prev = doc["ledger_head"]
    doc["ledger"].append({"seq": 4, "kind": "future_kind", "payload": payload, "prev_hash": prev,
                          "hash": entry_hash(prev, 4, "future_kind", payload)})
    doc["ledger_head"] = doc["ledger"][-1]["hash"]
    assert standalone.verify(doc) == []
    doc["ledger"][-1]["payload"]["note"] = "edited"
    assert standalone.verify(doc) == ["ledger entry 4: hash does not match its content"]


def test_the_digest_ignores_layout_but_not_content(doc):
    again = copy.deepcopy(doc)
    again["roster"] = dict(reversed(list(again["roster"].items())))
    assert digest(again) == digest(doc) == standalone.sha256(standalone.canonical(doc))
    _flip_choice(again)
    assert digest(again) != digest(doc)
