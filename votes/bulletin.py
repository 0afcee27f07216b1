"""bulletin.json: build it from a counted ballot, check it, and verify a ballot end to end."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from votes import bulletin_mixed, ledger
from votes.ballots import (
    Ballot,
    BallotKeyShare,
    BallotMode,
    BallotResult,
    BallotRosterEntry,
    BallotStatus,
    CastBallot,
    PaperTotal,
    RollCallVote,
    SealedBallot,
    VoterRecord,
)
from votes.base import DomainError
from votes.casting import ballot_hash, iso, normalise_tracker, options_of, roster_hash
from votes.closing import COUNTED, result_dict
from votes.people import User
from votes.rules import BallotRules, CandidateInput, InvalidBallot, tally, tally_from_totals

FORMAT = "yishi-bulletin/2"  # 2: paper and electronic in one ballot (votes/bulletin_mixed.py)
FORMATS = ("yishi-bulletin/1", FORMAT)  # bulletins published before it still verify


def digest(document: Mapping[str, object]) -> str:
    return ledger.sha256_hex(ledger.canonical_json(document))


def roll_call_hash(roll_call: Iterable[Mapping]) -> str:
    """sha256 of {user id: choices} over a roll call, as the `closed` ledger entry records it."""
    return ledger.sha256_hex(ledger.canonical_json(
        {str(v["id"]): v["choices"] for v in roll_call}))


def stored_roll_call_hash(session: Session, ballot_id: int) -> str:
    """The roll-call hash of a ballot's stored roll_call_votes (written when it closes)."""
    rows = session.execute(select(RollCallVote.user_id, RollCallVote.choices)
                           .where(RollCallVote.ballot_id == ballot_id)).all()
    return roll_call_hash({"id": r.user_id, "choices": json.loads(r.choices)} for r in rows)


# --- build ----------------------------------------------------------------------------------


def build_bulletin(session: Session, ballot: Ballot) -> dict[str, object]:
    """Everything needed to check the count by hand; see docs/bulletin.md for each field."""
    if ballot.status not in COUNTED:
        raise DomainError("not_closed")
    stored = session.get(BallotResult, ballot.id)
    rules = ballot.rules
    voted = set(session.scalars(
        select(VoterRecord.user_id).where(VoterRecord.ballot_id == ballot.id)))
    members = session.execute(
        select(BallotRosterEntry.user_id, BallotRosterEntry.present, User.display_name)
        .join(User, User.id == BallotRosterEntry.user_id)
        .where(BallotRosterEntry.ballot_id == ballot.id).order_by(BallotRosterEntry.user_id)
    ).all()
    names = {m.user_id: m.display_name for m in members}
    ballots = session.execute(
        select(CastBallot.tracker, CastBallot.choices, CastBallot.hash)
        .where(CastBallot.ballot_id == ballot.id).order_by(CastBallot.tracker)
    ).all()
    roll_call = None
    if not rules.secret:
        votes = session.execute(
            select(RollCallVote.user_id, RollCallVote.choices)
            .where(RollCallVote.ballot_id == ballot.id).order_by(RollCallVote.user_id)
        ).all()
        roll_call = [{"id": v.user_id, "name": names.get(v.user_id),
                      "choices": json.loads(v.choices)} for v in votes]
    paper = None
    takers = bulletin_mixed.paper_takers(session, ballot)
    if ballot.mode in (BallotMode.PAPER, BallotMode.MIXED):
        paper = {str(t.option_id): [t.yes, t.no, t.abstain] for t in session.scalars(
            select(PaperTotal).where(PaperTotal.ballot_id == ballot.id))}
    entries = ledger.entries(session, ballot.id)
    return {
        "format": FORMAT,
        "ballot": {
            "id": ballot.id, "title": ballot.title, "assembly": ballot.assembly.name,
            "subject_type": ballot.subject_type, "subject_id": ballot.subject_id,
            "mode": ballot.mode, "secret": rules.secret, "opened_at": iso(ballot.opened_at),
            "closed_at": iso(ballot.closed_at), "published_at": iso(ballot.published_at),
        },
        "rules": rules.as_dict(),
        "rules_hash": ballot.rules_hash,
        "candidates": [{"id": o.id, "title": o.title, "cost": o.cost, "unit": o.unit,
                        "ref_id": o.ref_id} for o in options_of(session, ballot)],
        "roster": {
            "entitled": ballot.entitled, "present": ballot.present, "hash": ballot.roster_hash,
            "members": [{"id": m.user_id, "name": m.display_name, "present": m.present,
                         "voted": m.user_id in voted, "paper": m.user_id in takers}
                        for m in members],
        },
        "ballots_cast": ballot.ballots_cast,
        "ballots": [{"tracker": b.tracker, "choices": json.loads(b.choices), "hash": b.hash}
                    for b in ballots],
        "roll_call": roll_call,
        "paper_totals": paper,
        "paper_count": bulletin_mixed.paper_count(ballot, takers),
        "result": json.loads(stored.result_json),
        "result_hash": stored.result_hash,
        "ledger": entries,
        "ledger_head": ledger.head(entries),
    }


# --- check a bulletin (pure) ----------------------------------------------------------------


def _recount(doc: Mapping) -> dict[str, object]:
    rules = BallotRules(**doc["rules"])
    candidates = [CandidateInput(c["id"], c["cost"]) for c in doc["candidates"]]
    roster = doc["roster"]
    if doc["ballot"]["mode"] == BallotMode.MIXED:
        result = bulletin_mixed.recount(doc, rules, candidates)
    elif doc["paper_totals"] is not None:
        totals = {int(k): tuple(v) for k, v in doc["paper_totals"].items()}
        result = tally_from_totals(rules, candidates, totals, doc["ballots_cast"],
                                   roster["entitled"], roster["present"])
    else:
        ballots = [{int(k): v for k, v in b["choices"].items()} for b in doc["ballots"]]
        result = tally(rules, candidates, ballots, roster["entitled"], roster["present"])
    return result_dict(result)


def check_bulletin(doc: Mapping) -> list[str]:
    """Problems in a bulletin, judged from its own content with this project's rules engine.

    scripts/verify_bulletin.py makes the same checks with its own, independent code.
    """
    try:
        return _check(doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"bulletin is malformed: {type(exc).__name__}: {exc}"]


def _check(doc: Mapping) -> list[str]:
    problems = []
    if doc.get("format") not in FORMATS:
        problems.append(f"unknown format {doc.get('format')!r}")
    rules = BallotRules(**doc["rules"])
    if rules.rules_hash() != doc["rules_hash"]:
        problems.append("rules do not match rules_hash")
    # A paper ballot's attendance is the hall's count; individual check-ins may be fewer.
    # A mixed ballot's is the roster's, like an electronic one's: the teller marks who took
    # paper at the box, and the paper ballots found are counted with the electronic ones.
    mixed = doc["ballot"]["mode"] == BallotMode.MIXED
    if (doc["ballot"]["mode"] in (BallotMode.PAPER, BallotMode.MIXED)) != (
            doc["paper_totals"] is not None):
        problems.append("ballot.mode does not match whether paper totals are published")
    paper = doc["paper_totals"] is not None and not mixed
    problems += _check_roster(doc, paper)
    problems += bulletin_mixed.check(doc)
    ballots = doc["ballots"]
    if paper and ballots:
        problems.append("a paper ballot publishes electronic ballots")
    trackers = [b["tracker"] for b in ballots]
    if trackers != sorted(set(trackers)):
        problems.append("ballots are not sorted by tracker, or a tracker repeats")
    for b in ballots:
        if ballot_hash(b["tracker"], ledger.canonical_json(b["choices"])) != b["hash"]:
            problems.append(f"ballot {b['tracker']}: hash does not match its choices")
    voted = sum(1 for m in doc["roster"]["members"] if m["voted"])
    on_paper = (doc.get("paper_count") or {}).get("found", 0) if mixed else 0
    if not paper and not voted == len(ballots) == doc["ballots_cast"] - on_paper:
        problems.append(f"{voted} delegates voted but there are {len(ballots)} ballots")
    if doc["ballot"]["secret"] != rules.secret:
        problems.append("ballot.secret differs from the rules")
    problems += _check_roll_call(doc, rules, ballots)
    try:
        if _recount(doc) != doc["result"]:
            problems.append("the result does not follow from the ballots")
    except (InvalidBallot, ValueError) as exc:
        problems.append(f"the ballots cannot be counted: {exc}")
    if ledger.sha256_hex(ledger.canonical_json(doc["result"])) != doc["result_hash"]:
        problems.append("result does not match result_hash")
    problems += _check_ledger(doc)
    return problems


def _check_roster(doc: Mapping, paper: bool) -> list[str]:
    problems = []
    roster, members = doc["roster"], doc["roster"]["members"]
    ids = [m["id"] for m in members]
    if roster_hash(ids) != roster["hash"]:
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


def _check_roll_call(doc: Mapping, rules: BallotRules, ballots: list) -> list[str]:
    roll_call = doc["roll_call"]
    if rules.secret:
        return ["a secret ballot publishes a roll call"] if roll_call is not None else []
    if not isinstance(roll_call, list):
        return ["a roll-call ballot publishes no roll call"]
    problems = []
    ids = [v["id"] for v in roll_call]
    if ids != sorted(set(ids)):
        problems.append("the roll call is not sorted by id, or a delegate repeats")
    members = {m["id"]: m for m in doc["roster"]["members"]}
    for v in roll_call:
        member = members.get(v["id"])
        if member is None or not member["voted"]:
            problems.append(f"roll call: {v['id']} is not a roster member who voted")
        elif v["name"] != member["name"]:
            problems.append(f"roll call: the name of {v['id']} differs from the roster's")
    named_ids = set(ids)
    missing = [i for i, m in members.items() if m["voted"] and i not in named_ids]
    if missing:
        problems.append(f"roll call: delegates {missing} voted but are not in it")
    named = Counter(ledger.canonical_json(v["choices"]) for v in roll_call)
    if named != Counter(ledger.canonical_json(b["choices"]) for b in ballots):
        problems.append("the roll call does not match the ballots")
    return problems


def _check_ledger(doc: Mapping) -> list[str]:
    entries = doc["ledger"]
    problems = ledger.verify_chain(entries)
    if ledger.head(entries) != doc["ledger_head"]:
        problems.append("ledger_head is not the hash of the last ledger entry")
    kinds = [e["kind"] for e in entries]
    payloads = [e["payload"] if isinstance(e["payload"], Mapping) else {} for e in entries]
    for kind in ("created", "opened", "closed"):
        if kinds.count(kind) != 1:
            problems.append(f"the ledger has {kinds.count(kind)} {kind!r} entries, not one")
    if "published" in kinds:
        problems.append("the ledger in a bulletin holds its own publication")
    if all(kinds.count(k) == 1 for k in ("created", "opened", "closed")):
        opened_at = kinds.index("opened")
        if (kinds[0] != "created" or kinds.index("closed") < opened_at
                or "rules_changed" in kinds[opened_at:]):
            problems.append("the ledger's entries are out of order")
        trail = [p.get("rules_hash") for k, p in zip(kinds[:opened_at], payloads, strict=False)
                 if k in ("created", "rules_changed")]
        if trail[-1:] != [payloads[opened_at].get("rules_hash")]:
            problems.append("the rules opened are not those created or last changed")
    by_kind = dict(zip(kinds, payloads, strict=True))  # the last of each kind
    problems += _check_created(doc, by_kind.get("created", {}))
    problems += _check_opened_closed(doc, by_kind.get("opened", {}), by_kind.get("closed", {}))
    problems += _check_settlements(doc, entries)
    return problems


def _check_settlements(doc: Mapping, entries: list) -> list[str]:
    """A tie's settlements name options of this ballot; `votes.rules.settle_ties` replays
    them (a later step may settle a tie that selection below an earlier one made)."""
    problems = []
    ids = {c["id"] for c in doc["candidates"]}
    for e in entries:
        payload = e["payload"] if isinstance(e["payload"], Mapping) else {}
        named = {"tie_resolved": "adopted", "runoff_started": "options"}.get(e["kind"])
        if named and not set(payload.get(named) or []) <= ids:
            problems.append(f"ledger entry {e['seq']}: settles options not on this ballot")
    return problems


def _check_created(doc: Mapping, created: Mapping) -> list[str]:
    """The ballot and its candidates as they were created; options cannot change after."""
    problems = []
    for key in ("title", "subject_type", "subject_id"):
        if created.get(key) != doc["ballot"][key]:
            problems.append(f"ballot.{key} differs from the ledger's creation entry")
    options, candidates = created.get("options"), doc["candidates"]
    if not isinstance(options, list) or [
            o.get("id") if isinstance(o, Mapping) else None for o in options
    ] != [c["id"] for c in candidates]:
        return [*problems, "the candidates are not those of the ledger's creation entry"]
    for option, candidate in zip(options, candidates, strict=True):
        # title and cost always; unit or ref_id too, should the entry record them
        for key in sorted((option.keys() & candidate.keys()) - {"id"}):
            if option[key] != candidate[key]:
                problems.append(f"candidate {candidate['id']}: {key} differs from the ledger's"
                                " creation entry")
    return problems


def _check_opened_closed(doc: Mapping, opened: Mapping, closed: Mapping) -> list[str]:
    problems = []
    roster, ballot = doc["roster"], doc["ballot"]
    if opened.get("rules_hash") != doc["rules_hash"]:
        problems.append("the ledger's opening entry has other rules")
    if opened.get("roster_hash") != roster["hash"]:
        problems.append("the ledger's opening entry has another roster")
    if opened.get("entitled") != roster["entitled"]:
        problems.append("the ledger's opening entry has another number entitled")
    if opened.get("at") != ballot["opened_at"]:
        problems.append("ballot.opened_at differs from the ledger's opening entry")
    if closed.get("result_hash") != doc["result_hash"]:
        problems.append("the ledger's closing entry has another result")
    for key, value in (("mode", ballot["mode"]), ("ballots_cast", doc["ballots_cast"]),
                       ("entitled", roster["entitled"]), ("present", roster["present"]),
                       ("at", ballot["closed_at"]), ("totals", doc["paper_totals"])):
        if closed.get(key) != value:
            problems.append(f"the ledger's closing entry has another {key}")
    # Recorded at closing for roll-call ballots; ballots closed before it was have none.
    if "roll_call_hash" in closed and (
            doc["roll_call"] is None or roll_call_hash(doc["roll_call"]) != closed[
                "roll_call_hash"]):
        problems.append("the roll call differs from the one recorded when the ballot closed")
    return problems


# --- verify a stored ballot -----------------------------------------------------------------


@dataclass(frozen=True)
class VerificationReport:
    ballot_id: int
    ok: bool
    problems: list[str] = field(default_factory=list)


def verify_ballot(session: Session, ballot_id: int) -> VerificationReport:
    """Check a counted ballot in the database: chain, ballots, count, and the published bulletin."""
    ballot = session.get(Ballot, ballot_id)
    if ballot is None:
        return VerificationReport(ballot_id, False, ["no such ballot"])
    if ballot.status not in COUNTED:
        return VerificationReport(ballot_id, False, [f"ballot is {ballot.status}, not counted"])
    problems = []
    try:
        fresh = build_bulletin(session, ballot)
    except ValueError as exc:  # stored rules or result no longer parse
        return VerificationReport(ballot_id, False, [f"stored data unreadable: {exc}"])
    entries = fresh["ledger"]
    kinds = [e["kind"] for e in entries]
    # Checked as it was (or will be) published: the chain up to its `published` entry.
    cut = kinds.index("published") if "published" in kinds else len(entries)
    problems += check_bulletin({**fresh, "ledger": entries[:cut],
                                "ledger_head": ledger.head(entries[:cut])})
    problems += [p for p in ledger.verify_chain(entries) if p not in problems]
    problems += _check_later_entries(fresh, kinds[cut:], entries[cut:])
    if fresh["rules_hash"] != ledger.sha256_hex(ballot.rules_json):
        problems.append("stored rules are not in canonical form")
    problems += _check_tables(session, ballot)
    published = [e for e in entries if e["kind"] == "published"]
    stored = session.get(BallotResult, ballot_id)
    if ballot.status == BallotStatus.PUBLISHED:
        problems += _check_published(stored, fresh, published)
    elif published:
        problems.append("the ledger says published but the ballot is not")
    return VerificationReport(ballot_id, not problems, problems)


def _check_later_entries(fresh: Mapping, kinds: list, entries: list) -> list[str]:
    """The entries from `published` on: one publication, then only a tie's settlement."""
    problems = []
    if kinds.count("published") > 1:
        problems.append("the ledger records more than one publication")
    if {"created", "rules_changed", "mode_chosen", "opened", "closed"} & set(kinds):
        problems.append("the ledger's entries are out of order")
    return problems + _check_settlements(fresh, entries)


def _check_tables(session: Session, ballot: Ballot) -> list[str]:
    """What the bulletin cannot see: rows off the roster, rows the mode forbids, counts."""
    def ids(model) -> set[int]:
        return set(session.scalars(select(model.user_id).where(model.ballot_id == ballot.id)))

    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model)
                              .where(model.ballot_id == ballot.id)) or 0

    problems = []
    roster, voters, named = ids(BallotRosterEntry), ids(VoterRecord), ids(RollCallVote)
    if voters - roster:
        problems.append(f"voter records name people not on the roster: {sorted(voters - roster)}")
    if named - roster:
        problems.append(f"roll-call votes name people not on the roster: {sorted(named - roster)}")
    cast = count(CastBallot)
    problems += bulletin_mixed.table_problems(session, ballot, roster, voters, cast)
    if ballot.mode == BallotMode.MIXED:
        if ballot.rules.secret and named:
            problems.append("a secret ballot has roll-call votes")
    elif ballot.mode == BallotMode.PAPER:
        if voters or cast or named:
            problems.append("a paper ballot has voter records, cast ballots or roll-call votes")
    else:
        if not len(voters) == cast == ballot.ballots_cast:
            problems.append(f"{len(voters)} voter records, {cast} cast ballots and"
                            f" {ballot.ballots_cast} ballots cast do not agree")
        if count(PaperTotal):
            problems.append("an electronic ballot has paper totals")
        if ballot.rules.secret and named:
            problems.append("a secret ballot has roll-call votes")
        if not ballot.rules.secret and named != voters:
            problems.append("the roll-call votes and the voter records name different people")
    if ballot.mode != BallotMode.PAPER and (count(SealedBallot) or count(BallotKeyShare)):
        # Closing opens every box and deletes the boxes and the shares in one transaction.
        problems.append("a counted ballot still has sealed boxes or key shares")
    return problems


# Parts of a bulletin that must never differ from the database; names may be edited later.
_SAME = ("rules", "rules_hash", "candidates", "ballots_cast", "ballots", "paper_totals",
         "paper_count", "result", "result_hash")
# The ballot's own facts; the assembly's name may change after publication.
_BALLOT_FACTS = ("id", "title", "subject_type", "subject_id", "mode", "secret", "opened_at",
                 "closed_at", "published_at")


def _check_published(stored: BallotResult, fresh: Mapping, published: list) -> list[str]:
    if not stored.bulletin_json or not published:
        return ["published without a stored bulletin or a ledger entry"]
    problems = []
    if ledger.sha256_hex(stored.bulletin_json) != stored.bulletin_digest:
        problems.append("the stored bulletin does not match its digest")
    seal = published[0]["payload"]
    if seal.get("bulletin_digest") != stored.bulletin_digest:
        problems.append("the ledger's published digest is not the stored bulletin's")
    if seal.get("result_hash") != stored.result_hash:
        problems.append("the ledger's published result hash is not the stored result's")
    if seal.get("at") != fresh["ballot"]["published_at"]:
        problems.append("the ledger's publication time is not the ballot's")
    doc = json.loads(stored.bulletin_json)
    problems += [f"published bulletin: {p}" for p in check_bulletin(doc)]
    for key in _SAME:
        if doc.get(key) != fresh.get(key):
            problems.append(f"published bulletin: {key} differs from the database")
    ballot = doc.get("ballot") or {}
    for key in _BALLOT_FACTS:
        if ballot.get(key) != fresh["ballot"][key]:
            problems.append(f"published bulletin: ballot.{key} differs from the database")
    if _roster_facts(doc) != _roster_facts(fresh):
        problems.append("published bulletin: roster differs from the database")
    if _roll_call_facts(doc) != _roll_call_facts(fresh):
        problems.append("published bulletin: roll call differs from the database")
    n = len(doc.get("ledger", []))
    if doc.get("ledger") != fresh["ledger"][:n] or fresh["ledger"][n:n + 1] != published[:1]:
        problems.append("published bulletin: ledger differs from the database")
    return problems


def _roll_call_facts(doc: Mapping) -> object:
    roll_call = doc.get("roll_call")
    return None if roll_call is None else [(v["id"], v["choices"]) for v in roll_call]


def _roster_facts(doc: Mapping) -> object:
    roster = doc.get("roster") or {}
    return (roster.get("entitled"), roster.get("present"), roster.get("hash"),
            [(m["id"], m["present"], m["voted"], m.get("paper", False))
             for m in roster.get("members", [])])


def published_bulletin(session: Session, ballot_id: int) -> str:
    """The exact bulletin.json text that was published, for download."""
    ballot = session.get(Ballot, ballot_id)
    if ballot is None or ballot.status != BallotStatus.PUBLISHED:
        raise DomainError("not_published")
    return session.get(BallotResult, ballot_id).bulletin_json


def find_by_tracker(session: Session, ballot_id: int, tracker: str) -> dict | None:
    """A delegate's ballot as the published bulletin shows it, found by their receipt code."""
    doc = json.loads(published_bulletin(session, ballot_id))
    wanted = normalise_tracker(tracker)
    if wanted is None:
        return None
    trackers = [b["tracker"] for b in doc["ballots"]]
    at = bisect.bisect_left(trackers, wanted)
    return doc["ballots"][at] if at < len(trackers) and trackers[at] == wanted else None
