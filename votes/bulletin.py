"""bulletin.json: build it from a counted ballot, check it, and verify a ballot end to end."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from votes import ledger
from votes.ballots import (
    Ballot,
    BallotMode,
    BallotResult,
    BallotRosterEntry,
    BallotStatus,
    CastBallot,
    PaperTotal,
    RollCallVote,
    VoterRecord,
)
from votes.base import DomainError
from votes.casting import ballot_hash, iso, normalise_tracker, options_of, roster_hash
from votes.closing import COUNTED, result_dict
from votes.people import User
from votes.rules import BallotRules, CandidateInput, InvalidBallot, tally, tally_from_totals

FORMAT = "yishi-bulletin/1"


def digest(document: Mapping[str, object]) -> str:
    return ledger.sha256_hex(ledger.canonical_json(document))


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
    if ballot.mode == BallotMode.PAPER:
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
                         "voted": m.user_id in voted} for m in members],
        },
        "ballots_cast": ballot.ballots_cast,
        "ballots": [{"tracker": b.tracker, "choices": json.loads(b.choices), "hash": b.hash}
                    for b in ballots],
        "roll_call": roll_call,
        "paper_totals": paper,
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
    if doc["paper_totals"] is not None:
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
    if doc.get("format") != FORMAT:
        problems.append(f"unknown format {doc.get('format')!r}")
    rules = BallotRules(**doc["rules"])
    if rules.rules_hash() != doc["rules_hash"]:
        problems.append("rules do not match rules_hash")
    roster, members = doc["roster"], doc["roster"]["members"]
    if roster_hash([m["id"] for m in members]) != roster["hash"]:
        problems.append("roster members do not match the roster hash")
    if roster["entitled"] != len(members):
        problems.append("entitled is not the number of roster members")
    checked_in = sum(1 for m in members if m["present"])
    # A paper ballot's attendance is the hall's count; individual check-ins may be fewer.
    paper = doc["paper_totals"] is not None
    if roster["present"] < checked_in or (not paper and roster["present"] != checked_in):
        problems.append("present is not the number of members present")
    ballots = doc["ballots"]
    trackers = [b["tracker"] for b in ballots]
    if trackers != sorted(set(trackers)):
        problems.append("ballots are not sorted by tracker, or a tracker repeats")
    for b in ballots:
        if ballot_hash(b["tracker"], ledger.canonical_json(b["choices"])) != b["hash"]:
            problems.append(f"ballot {b['tracker']}: hash does not match its choices")
    voted = sum(1 for m in members if m["voted"])
    if not paper and not voted == len(ballots) == doc["ballots_cast"]:
        problems.append(f"{voted} delegates voted but there are {len(ballots)} ballots")
    if doc["ballot"]["secret"] != rules.secret:
        problems.append("ballot.secret differs from the rules")
    if rules.secret and doc["roll_call"] is not None:
        problems.append("a secret ballot publishes a roll call")
    if not rules.secret:
        named = Counter(ledger.canonical_json(v["choices"]) for v in doc["roll_call"] or [])
        if named != Counter(ledger.canonical_json(b["choices"]) for b in ballots):
            problems.append("the roll call does not match the ballots")
    try:
        if _recount(doc) != doc["result"]:
            problems.append("the result does not follow from the ballots")
    except (InvalidBallot, ValueError) as exc:
        problems.append(f"the ballots cannot be counted: {exc}")
    if ledger.sha256_hex(ledger.canonical_json(doc["result"])) != doc["result_hash"]:
        problems.append("result does not match result_hash")
    problems += _check_ledger(doc)
    return problems


def _check_ledger(doc: Mapping) -> list[str]:
    entries = doc["ledger"]
    problems = ledger.verify_chain(entries)
    if ledger.head(entries) != doc["ledger_head"]:
        problems.append("ledger_head is not the hash of the last ledger entry")
    by_kind = {e["kind"]: e["payload"] for e in entries}  # the last of each kind
    if by_kind.get("opened", {}).get("rules_hash") != doc["rules_hash"]:
        problems.append("the ledger's opening entry has other rules")
    if by_kind.get("opened", {}).get("roster_hash") != doc["roster"]["hash"]:
        problems.append("the ledger's opening entry has another roster")
    if by_kind.get("closed", {}).get("result_hash") != doc["result_hash"]:
        problems.append("the ledger's closing entry has another result")
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
    problems += check_bulletin(fresh)
    if fresh["rules_hash"] != ledger.sha256_hex(ballot.rules_json):
        problems.append("stored rules are not in canonical form")
    entries = fresh["ledger"]
    published = [e for e in entries if e["kind"] == "published"]
    stored = session.get(BallotResult, ballot_id)
    if ballot.status == BallotStatus.PUBLISHED:
        problems += _check_published(stored, fresh, published)
    elif published:
        problems.append("the ledger says published but the ballot is not")
    return VerificationReport(ballot_id, not problems, problems)


# Parts of a bulletin that must never differ from the database; names may be edited later.
_SAME = ("rules", "rules_hash", "candidates", "ballots_cast", "ballots", "paper_totals", "result",
         "result_hash")


def _check_published(stored: BallotResult, fresh: Mapping, published: list) -> list[str]:
    if not stored.bulletin_json or not published:
        return ["published without a stored bulletin or a ledger entry"]
    problems = []
    if ledger.sha256_hex(stored.bulletin_json) != stored.bulletin_digest:
        problems.append("the stored bulletin does not match its digest")
    if published[-1]["payload"].get("bulletin_digest") != stored.bulletin_digest:
        problems.append("the ledger's published digest is not the stored bulletin's")
    if published[-1]["payload"].get("result_hash") != stored.result_hash:
        problems.append("the ledger's published result hash is not the stored result's")
    doc = json.loads(stored.bulletin_json)
    problems += [f"published bulletin: {p}" for p in check_bulletin(doc)]
    for key in _SAME:
        if doc.get(key) != fresh.get(key):
            problems.append(f"published bulletin: {key} differs from the database")
    if _roster_facts(doc) != _roster_facts(fresh):
        problems.append("published bulletin: roster differs from the database")
    n = len(doc.get("ledger", []))
    if doc.get("ledger") != fresh["ledger"][:n] or fresh["ledger"][n:n + 1] != published[-1:]:
        problems.append("published bulletin: ledger differs from the database")
    return problems


def _roster_facts(doc: Mapping) -> object:
    roster = doc.get("roster") or {}
    return (roster.get("entitled"), roster.get("present"), roster.get("hash"),
            [(m["id"], m["present"], m["voted"]) for m in roster.get("members", [])])


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
