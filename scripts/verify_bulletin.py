#!/usr/bin/env python3
"""Check a Yishi bulletin.json with the standard library alone: hashes, ledger chain, recount.

    python3 verify_bulletin.py bulletin.json [--digest HEX]

Exits 0 when every check passes, 1 otherwise. It imports nothing from Yishi on purpose: the
count is re-implemented here so that anyone can check a result independently of our code.
The rules are documented in docs/bulletin.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from itertools import groupby

FORMAT = "yishi-bulletin/1"
GENESIS = "0" * 64
KINDS = {"created", "rules_changed", "opened", "closed", "published", "tie_resolved",
         "runoff_started"}
MARKS = {"YNA": {"yes", "no", "abstain"}, "YN": {"yes", "no"}, "Y": {"yes"}}
# (num, den, strict): a simple majority must beat one half; the others may reach their fraction.
FRACTIONS = {"simple": (1, 2, True), "two_thirds": (2, 3, False), "three_quarters": (3, 4, False)}


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the count ------------------------------------------------------------------------------


def passes(yes: int, base: int, majority: str) -> bool:
    if base == 0:
        return False
    num, den, strict = FRACTIONS[majority]
    return yes * den > num * base if strict else yes * den >= num * base


def needed(base: int, majority: str):
    if base == 0:
        return None
    num, den, strict = FRACTIONS[majority]
    return num * base // den + 1 if strict else -(-num * base // den)


def count_ballots(rules: dict, ids: list, ballots: list) -> dict:
    """(yes, no, abstain) per candidate id; an unmarked candidate abstains (YNA, YN)."""
    counts = {cid: [0, 0, 0] for cid in ids}
    by_key = {str(cid): cid for cid in ids}
    for ballot in ballots:
        marks = ballot["choices"]
        if set(marks) - set(by_key):
            raise ValueError(f"ballot {ballot['tracker']} marks an unknown candidate")
        if set(marks.values()) - MARKS[rules["method"]]:
            raise ValueError(f"ballot {ballot['tracker']} has a mark its method does not allow")
        ticked = sum(1 for m in marks.values() if m == "yes")
        top = rules["max_selections"]
        if ticked < rules["min_selections"] or (top is not None and ticked > top):
            raise ValueError(f"ballot {ballot['tracker']} is over- or under-marked")
        for key, cid in by_key.items():
            mark = marks.get(key, "abstain" if rules["method"] != "Y" else None)
            if mark is not None:
                counts[cid][("yes", "no", "abstain").index(mark)] += 1
    return counts


def count_paper(rules: dict, ids: list, totals: dict, cast: int) -> dict:
    if set(totals) != {str(cid) for cid in ids}:
        raise ValueError("paper totals do not cover exactly the candidates")
    counts = {}
    for cid in ids:
        yes, no, abstain = totals[str(cid)]
        if min(yes, no, abstain) < 0 or yes + no + abstain > cast:
            raise ValueError(f"paper totals for {cid} are impossible")
        if rules["method"] == "Y" and (no or abstain):
            raise ValueError(f"approval totals for {cid} carry no or abstain")
        counts[cid] = [yes, no, abstain]
    return counts


def select(rules: dict, rows: list) -> tuple[list, list]:
    """Statuses and ranks in place; returns (adopted, tie_pending) as the rules engine does."""
    seats, budget = rules["seats"], rules["budget_cap"]
    adopted, tied = [], []
    ranked = sorted((r for r in rows if r["passed"]), key=lambda r: -r["yes"])
    position = 1
    for _, grouped in groupby(ranked, key=lambda r: r["yes"]):
        group = list(grouped)
        for r in group:
            r["rank"] = position
        position += len(group)
        if tied or seats == 0:
            for r in group:
                r["status"] = "passed_not_adopted"
            continue
        fitting = [r for r in group if budget is None or r["cost"] <= budget]
        for r in group:
            if r not in fitting:
                r["status"] = "skipped_budget"
        cost = sum(r["cost"] for r in fitting)
        if len(fitting) <= seats and (budget is None or cost <= budget):
            adopted += fitting
            seats -= len(fitting)
            budget = None if budget is None else budget - cost
            status = "adopted"
        else:
            tied += fitting
            status = "tie_pending"
        for r in fitting:
            r["status"] = status
    return adopted, tied


def recount(doc: dict) -> dict:
    rules, roster = doc["rules"], doc["roster"]
    entitled, present, cast = roster["entitled"], roster["present"], doc["ballots_cast"]
    ids = [c["id"] for c in doc["candidates"]]
    if doc["paper_totals"] is None:
        counts = count_ballots(rules, ids, doc["ballots"])
        cast = len(doc["ballots"])
    else:
        counts = count_paper(rules, ids, doc["paper_totals"], cast)
    if present > entitled:
        raise ValueError("more present than entitled")
    if cast > entitled:
        reason = "more_ballots_than_voters"
    elif cast * rules["quorum_den"] < rules["quorum_num"] * entitled:
        reason = "quorum_not_met"
    else:
        reason = None
    rows = []
    for c in doc["candidates"]:
        yes, no, abstain = counts[c["id"]]
        base = {"entitled": entitled, "present": present, "cast": cast,
                "yes_no": yes + no}[rules["threshold_base"]]
        rows.append({"id": c["id"], "cost": c["cost"], "yes": yes, "no": no, "abstain": abstain,
                     "base": base, "needed": needed(base, rules["majority"]),
                     "passed": reason is None and passes(yes, base, rules["majority"]),
                     "status": "failed", "rank": None})
    adopted, tied = select(rules, rows)
    return {"valid": reason is None, "reason": reason, "ballots_cast": cast,
            "entitled": entitled, "present": present, "rows": rows,
            "adopted": [r["id"] for r in adopted], "tie_pending": [r["id"] for r in tied],
            "total_adopted_cost": sum(r["cost"] for r in adopted)}


# --- the checks -----------------------------------------------------------------------------


def check_ledger(doc: dict) -> list:
    problems, prev = [], GENESIS
    for seq, e in enumerate(doc["ledger"], start=1):
        body = canonical({"seq": seq, "kind": e["kind"], "payload": e["payload"]})
        if e["seq"] != seq or e["kind"] not in KINDS or e["prev_hash"] != prev:
            problems.append(f"ledger entry {seq}: out of sequence or unknown")
        if sha256(e["prev_hash"] + body) != e["hash"]:
            problems.append(f"ledger entry {seq}: hash does not match its content")
        prev = e["hash"]
    if prev != doc["ledger_head"]:
        problems.append("ledger_head is not the hash of the last ledger entry")
    last = {e["kind"]: e["payload"] for e in doc["ledger"]}
    if last.get("opened", {}).get("rules_hash") != doc["rules_hash"]:
        problems.append("the ledger's opening entry has other rules")
    if last.get("opened", {}).get("roster_hash") != doc["roster"]["hash"]:
        problems.append("the ledger's opening entry has another roster")
    if last.get("closed", {}).get("result_hash") != doc["result_hash"]:
        problems.append("the ledger's closing entry has another result")
    return problems


def verify(doc: dict) -> list:
    """Every problem found in a bulletin; an empty list means it checks out."""
    problems = []
    if doc.get("format") != FORMAT:
        problems.append(f"unknown format {doc.get('format')!r}")
    rules_text = json.dumps(doc["rules"], sort_keys=True, separators=(",", ":"))
    if hashlib.sha256(rules_text.encode("utf-8")).hexdigest() != doc["rules_hash"]:
        problems.append("rules do not match rules_hash")
    roster, members = doc["roster"], doc["roster"]["members"]
    if sha256(canonical(sorted(m["id"] for m in members))) != roster["hash"]:
        problems.append("roster members do not match the roster hash")
    if roster["entitled"] != len(members):
        problems.append("entitled is not the number of roster members")
    checked_in = sum(1 for m in members if m["present"])
    paper = doc["paper_totals"] is not None  # attendance counted in the hall
    if roster["present"] < checked_in or (not paper and roster["present"] != checked_in):
        problems.append("present is not the number of members present")
    trackers = [b["tracker"] for b in doc["ballots"]]
    if trackers != sorted(set(trackers)):
        problems.append("ballots are not sorted by tracker, or a tracker repeats")
    for b in doc["ballots"]:
        if sha256(b["tracker"] + canonical(b["choices"])) != b["hash"]:
            problems.append(f"ballot {b['tracker']}: hash does not match its choices")
    voted = sum(1 for m in members if m["voted"])
    if not paper and not voted == len(trackers) == doc["ballots_cast"]:
        problems.append(f"{voted} delegates voted but there are {len(trackers)} ballots")
    secret = doc["rules"]["secret"]
    if doc["ballot"]["secret"] != secret:
        problems.append("ballot.secret differs from the rules")
    if secret and doc["roll_call"] is not None:
        problems.append("a secret ballot publishes a roll call")
    if not secret and Counter(canonical(v["choices"]) for v in doc["roll_call"] or []) != Counter(
            canonical(b["choices"]) for b in doc["ballots"]):
        problems.append("the roll call does not match the ballots")
    try:
        if recount(doc) != doc["result"]:
            problems.append("the result does not follow from the ballots")
    except (ValueError, KeyError) as exc:
        problems.append(f"the ballots cannot be counted: {exc}")
    if sha256(canonical(doc["result"])) != doc["result_hash"]:
        problems.append("result does not match result_hash")
    return problems + check_ledger(doc)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Yishi bulletin.json.")
    parser.add_argument("bulletin", help="path to bulletin.json")
    parser.add_argument("--digest", help="the digest published in the ballot's ledger")
    args = parser.parse_args(argv)
    with open(args.bulletin, encoding="utf-8") as handle:
        doc = json.load(handle)
    try:
        problems = verify(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems = [f"bulletin is malformed: {type(exc).__name__}: {exc}"]
    found = sha256(canonical(doc))
    if args.digest and args.digest.strip().lower() != found:
        problems.append("the bulletin's digest is not the one given")
    for problem in problems:
        print(f"FAIL  {problem}")
    if problems:
        return 1
    result = doc["result"]
    print(f"OK    ballot {doc['ballot']['id']}: {doc['ballot']['title']}")
    print(f"      {result['ballots_cast']} ballots, {result['entitled']} entitled, "
          f"{result['present']} present; valid={result['valid']}")
    print(f"      adopted {result['adopted']}; tie pending {result['tie_pending']}")
    print(f"      digest {found}")
    print(f"      ledger head {doc['ledger_head']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
