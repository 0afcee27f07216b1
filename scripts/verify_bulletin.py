#!/usr/bin/env python3
"""Check a Yishi bulletin.json with the standard library alone: hashes, roster, roll call,
ledger chain, what the ledger recorded against what is published, and a recount.

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

FORMATS = ("yishi-bulletin/1", "yishi-bulletin/2")  # 2: paper and electronic in one ballot
GENESIS = "0" * 64
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
    if doc["ballot"]["mode"] == "mixed":  # the electronic ballots plus the paper totals
        if not isinstance(doc.get("paper_count"), dict) or doc["paper_totals"] is None:
            raise ValueError("a mixed ballot without its paper count and totals")
        found, issued = doc["paper_count"]["found"], doc["paper_count"]["issued"]
        if found > issued:
            raise ValueError(f"{found} paper ballots found but {issued} issued")
        screen = count_ballots(rules, ids, doc["ballots"])
        paper = count_paper(rules, ids, doc["paper_totals"], found)
        counts = {cid: [e + p for e, p in zip(screen[cid], paper[cid], strict=True)]
                  for cid in ids}
        cast = len(doc["ballots"]) + found
    elif doc["paper_totals"] is None:
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


def payload_of(entry) -> dict:
    return entry["payload"] if isinstance(entry["payload"], dict) else {}


def check_ledger(doc: dict) -> list:
    """The chain, then what its entries record against what the bulletin publishes."""
    problems, prev = [], GENESIS
    for seq, e in enumerate(doc["ledger"], start=1):
        # Kinds this script does not know (added after it was written) are chained all the same.
        body = canonical({"seq": seq, "kind": e["kind"], "payload": e["payload"]})
        if e["seq"] != seq or e["prev_hash"] != prev:
            problems.append(f"ledger entry {seq}: out of sequence")
        if sha256(e["prev_hash"] + body) != e["hash"]:
            problems.append(f"ledger entry {seq}: hash does not match its content")
        prev = e["hash"]
    if prev != doc["ledger_head"]:
        problems.append("ledger_head is not the hash of the last ledger entry")
    kinds = [e["kind"] for e in doc["ledger"]]
    single = all(kinds.count(k) == 1 for k in ("created", "opened", "closed"))
    if not single:
        problems.append("the ledger needs exactly one created, opened and closed entry")
    if "published" in kinds:
        problems.append("the ledger in a bulletin holds its own publication")
    if single:
        at = kinds.index("opened")
        if kinds[0] != "created" or kinds.index("closed") < at or "rules_changed" in kinds[at:]:
            problems.append("the ledger's entries are out of order")
        hashes = [payload_of(e).get("rules_hash") for e in doc["ledger"][:at]
                  if e["kind"] in ("created", "rules_changed")]
        if not hashes or hashes[-1] != payload_of(doc["ledger"][at]).get("rules_hash"):
            problems.append("the rules opened are not those created or last changed")
    last = {e["kind"]: payload_of(e) for e in doc["ledger"]}
    created, opened, closed = (last.get(k, {}) for k in ("created", "opened", "closed"))
    ballot, roster = doc["ballot"], doc["roster"]
    # The creation entry: the ballot and its candidates, which cannot change after it.
    for key in ("title", "subject_type", "subject_id"):
        if created.get(key) != ballot[key]:
            problems.append(f"ballot.{key} differs from the ledger's creation entry")
    options = created.get("options")
    if not isinstance(options, list) or [o.get("id") if isinstance(o, dict) else None
                                         for o in options] != [c["id"] for c in doc["candidates"]]:
        problems.append("the candidates are not those of the ledger's creation entry")
    else:
        for i, c in enumerate(doc["candidates"]):
            option = options[i]  # same length: the ids matched
            for key in sorted(set(option) & set(c) - {"id"}):  # title, cost; unit if recorded
                if option[key] != c[key]:
                    problems.append(f"candidate {c['id']}: {key} differs from the ledger's "
                                    "creation entry")
    # The opening and closing entries: rules, roster, the figures of the count.
    expected = [(opened, "opening", "rules_hash", doc["rules_hash"]),
                (opened, "opening", "roster_hash", roster["hash"]),
                (opened, "opening", "entitled", roster["entitled"]),
                (opened, "opening", "at", ballot["opened_at"]),
                (closed, "closing", "result_hash", doc["result_hash"]),
                (closed, "closing", "mode", ballot["mode"]),
                (closed, "closing", "ballots_cast", doc["ballots_cast"]),
                (closed, "closing", "entitled", roster["entitled"]),
                (closed, "closing", "present", roster["present"]),
                (closed, "closing", "at", ballot["closed_at"]),
                (closed, "closing", "totals", doc["paper_totals"]),
                (closed, "closing", "paper_issued", (doc.get("paper_count") or {}).get("issued")),
                (closed, "closing", "paper_ballots", (doc.get("paper_count") or {}).get("found"))]
    for payload, name, key, value in expected:
        if payload.get(key) != value:
            problems.append(f"the ledger's {name} entry has another {key}")
    # The mode is chosen while the ballot is a draft; the last choice is the ballot's.
    if single and "mode_chosen" in kinds[kinds.index("opened"):]:
        problems.append("the ledger's mode was chosen after the ballot opened")
    if (last.get("mode_chosen", {}).get("mode", "electronic") == "mixed") != (
            ballot["mode"] == "mixed"):
        problems.append("ballot.mode differs from the mode the ledger says was chosen")
    # Written at closing for a roll call; ballots closed before it existed have none.
    if "roll_call_hash" in closed and (doc["roll_call"] is None or sha256(canonical(
            {str(v["id"]): v["choices"] for v in doc["roll_call"]})) != closed["roll_call_hash"]):
        problems.append("the roll call differs from the one recorded when the ballot closed")
    # A tie's settlements (their order and effect are replayed by the project's rules) must at
    # least name this ballot's candidates.
    ids = {c["id"] for c in doc["candidates"]}
    for seq, e in enumerate(doc["ledger"], start=1):
        named = {"tie_resolved": "adopted", "runoff_started": "options"}.get(e["kind"])
        if named and not set(payload_of(e).get(named) or []) <= ids:
            problems.append(f"ledger entry {seq}: settles options not on this ballot")
    return problems


def check_roster(doc: dict, paper: bool) -> list:
    problems = []
    roster, members = doc["roster"], doc["roster"]["members"]
    ids = [m["id"] for m in members]
    if sha256(canonical(sorted(ids))) != roster["hash"]:
        problems.append("roster members do not match the roster hash")
    if ids != sorted(set(ids)):
        problems.append("roster members are not sorted by id, or one repeats")
    if roster["entitled"] != len(members):
        problems.append("entitled is not the number of roster members")
    checked_in = sum(1 for m in members if m["present"])
    if roster["present"] < checked_in or (not paper and roster["present"] != checked_in):
        problems.append("present is not the number of members present")
    if paper and any(m["voted"] for m in members):
        problems.append("a paper ballot marks delegates as having voted electronically")
    absent = [m["id"] for m in members if m["voted"] and not m["present"]]
    if absent:  # casting a ballot marks the delegate present
        problems.append(f"delegates {absent} voted but are not marked present")
    if not doc["ballots_cast"] <= roster["present"] <= roster["entitled"]:
        problems.append("more ballots cast than present, or more present than entitled")
    return problems


def check_mixed(doc: dict) -> list:
    """Who took a paper ballot (format 2): present, never also on screen, as many as issued."""
    mixed, count = doc["ballot"]["mode"] == "mixed", doc.get("paper_count")
    members = doc["roster"]["members"]
    takers = [m for m in members if m.get("paper", False)]
    if mixed != (count is not None):
        return ["ballot.mode does not match whether a paper count is published"]
    if not mixed:
        return ["delegates are marked as having taken a paper ballot in a ballot that had "
                "none"] if takers else []
    problems, issued, found = [], count["issued"], count["found"]
    if issued != len(takers):
        problems.append(f"{issued} paper ballots issued but {len(takers)} delegates took one")
    if found > issued:
        problems.append(f"{found} paper ballots found but only {issued} issued")
    if any(m["voted"] for m in takers):
        problems.append("a delegate took a paper ballot and voted electronically")
    if not all(m["present"] for m in takers):
        problems.append("a delegate took a paper ballot but is not marked present")
    if sum(1 for m in members if m["voted"]) + issued > doc["roster"]["present"]:
        problems.append("more electronic voters and paper ballots issued than delegates present")
    if doc["ballots_cast"] != len(doc["ballots"]) + found:
        problems.append("ballots_cast is not the electronic ballots and the paper ballots found")
    return problems


def check_roll_call(doc: dict) -> list:
    roll_call = doc["roll_call"]
    if doc["rules"]["secret"]:
        return [] if roll_call is None else ["a secret ballot publishes a roll call"]
    if not isinstance(roll_call, list):
        return ["a roll-call ballot publishes no roll call"]
    problems = []
    ids = [v["id"] for v in roll_call]
    if ids != sorted(set(ids)):
        problems.append("the roll call is not sorted by id, or a delegate repeats")
    members = {m["id"]: m for m in doc["roster"]["members"]}
    for v in roll_call:
        m = members.get(v["id"])
        if m is None or not m["voted"]:
            problems.append(f"roll call: {v['id']} is not a roster member who voted")
        elif v["name"] != m["name"]:
            problems.append(f"roll call: the name of {v['id']} differs from the roster's")
    missing = [i for i, m in members.items() if m["voted"] and i not in ids]
    if missing:
        problems.append(f"roll call: delegates {missing} voted but are not in it")
    if Counter(canonical(v["choices"]) for v in roll_call) != Counter(
            canonical(b["choices"]) for b in doc["ballots"]):
        problems.append("the roll call does not match the ballots")
    return problems


def verify(doc: dict) -> list:
    """Every problem found in a bulletin; an empty list means it checks out."""
    problems = []
    if doc.get("format") not in FORMATS:
        problems.append(f"unknown format {doc.get('format')!r}")
    rules_text = json.dumps(doc["rules"], sort_keys=True, separators=(",", ":"))
    if hashlib.sha256(rules_text.encode("utf-8")).hexdigest() != doc["rules_hash"]:
        problems.append("rules do not match rules_hash")
    mixed = doc["ballot"]["mode"] == "mixed"  # paper or electronic, each delegate's choice
    if (doc["ballot"]["mode"] in ("paper", "mixed")) != (doc["paper_totals"] is not None):
        problems.append("ballot.mode does not match whether paper totals are published")
    paper = doc["paper_totals"] is not None and not mixed  # attendance counted in the hall
    problems += check_roster(doc, paper) + check_mixed(doc)
    if paper and doc["ballots"]:
        problems.append("a paper ballot publishes electronic ballots")
    trackers = [b["tracker"] for b in doc["ballots"]]
    if trackers != sorted(set(trackers)):
        problems.append("ballots are not sorted by tracker, or a tracker repeats")
    for b in doc["ballots"]:
        if sha256(b["tracker"] + canonical(b["choices"])) != b["hash"]:
            problems.append(f"ballot {b['tracker']}: hash does not match its choices")
    voted = sum(1 for m in doc["roster"]["members"] if m["voted"])
    found = (doc.get("paper_count") or {}).get("found", 0) if mixed else 0
    if not paper and not voted == len(trackers) == doc["ballots_cast"] - found:
        problems.append(f"{voted} delegates voted but there are {len(trackers)} ballots")
    if doc["ballot"]["secret"] != doc["rules"]["secret"]:
        problems.append("ballot.secret differs from the rules")
    problems += check_roll_call(doc)
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
