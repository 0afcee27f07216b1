"""The ballot ledger: an append-only, hash-chained record of each ballot's public steps."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from votes.ballots import LedgerEntry

GENESIS = "0" * 64

# The kinds written by the services; a verifier accepts only these.
KINDS = frozenset(
    {"created", "rules_changed", "opened", "closed", "published", "tie_resolved", "runoff_started",
     "mode_chosen"}  # mode_chosen: paper and electronic in one ballot (votes/mixed.py)
)


def canonical_json(value: object) -> str:
    """One spelling for one value: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, seq: int, kind: str, payload: Mapping[str, object]) -> str:
    return sha256_hex(prev_hash + canonical_json({"seq": seq, "kind": kind, "payload": payload}))


def verify_chain(entries: Sequence[Mapping[str, object]]) -> list[str]:
    """Problems found in a chain of {seq, kind, payload, prev_hash, hash}; empty when intact."""
    problems = []
    prev = GENESIS
    for expected_seq, entry in enumerate(entries, start=1):
        seq = entry.get("seq")
        if seq != expected_seq:
            problems.append(f"ledger entry {expected_seq}: sequence number is {seq!r}")
        if entry.get("kind") not in KINDS:
            problems.append(f"ledger entry {expected_seq}: unknown kind {entry.get('kind')!r}")
        if entry.get("prev_hash") != prev:
            problems.append(f"ledger entry {expected_seq}: does not follow the entry before it")
        payload = entry.get("payload")
        if not isinstance(payload, Mapping):
            problems.append(f"ledger entry {expected_seq}: payload is not an object")
            payload = {}
        recomputed = entry_hash(str(entry.get("prev_hash")), expected_seq, str(entry.get("kind")),
                                payload)
        if entry.get("hash") != recomputed:
            problems.append(f"ledger entry {expected_seq}: hash does not match its content")
        prev = str(entry.get("hash"))
    return problems


def head(entries: Sequence[Mapping[str, object]]) -> str:
    return str(entries[-1]["hash"]) if entries else GENESIS


# --- stored entries -------------------------------------------------------------------------


def append(
    session: Session, ballot_id: int, kind: str, payload: Mapping[str, object]
) -> LedgerEntry:
    """Add the next entry; callers hold the ballot row lock, and the key refuses a fork."""
    if kind not in KINDS:
        raise ValueError(f"unknown ledger kind {kind!r}")
    last = session.execute(
        select(LedgerEntry.seq, LedgerEntry.hash)
        .where(LedgerEntry.ballot_id == ballot_id)
        .order_by(LedgerEntry.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    text = canonical_json(dict(payload))
    entry = LedgerEntry(
        ballot_id=ballot_id, seq=seq, kind=kind, payload_json=text, prev_hash=prev,
        hash=entry_hash(prev, seq, kind, json.loads(text)),
    )
    session.add(entry)
    session.flush()
    return entry


def entries(session: Session, ballot_id: int) -> list[dict[str, object]]:
    """The ballot's chain as plain values, in order, as a bulletin carries it."""
    rows = session.scalars(
        select(LedgerEntry).where(LedgerEntry.ballot_id == ballot_id).order_by(LedgerEntry.seq)
    )
    return [as_dict(row) for row in rows]


def as_dict(row: LedgerEntry) -> dict[str, object]:
    try:
        payload = json.loads(row.payload_json)
    except ValueError:
        payload = {"unreadable": row.payload_json}
    return {"seq": row.seq, "kind": row.kind, "payload": payload, "prev_hash": row.prev_hash,
            "hash": row.hash}

