"""The ledger's hash chain: how entries are hashed, and that any edit, drop or reorder shows."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from votes.ledger import GENESIS, canonical_json, entry_hash, head, verify_chain


def chain(*steps):
    """Entries as a bulletin carries them, from (kind, payload) pairs."""
    entries, prev = [], GENESIS
    for seq, (kind, payload) in enumerate(steps, start=1):
        digest = entry_hash(prev, seq, kind, payload)
        entries.append({"seq": seq, "kind": kind, "payload": payload, "prev_hash": prev,
                        "hash": digest})
        prev = digest
    return entries


STEPS = (
    ("created", {"rules_hash": "a" * 64, "title": "2027年度民生实事项目票决"}),
    ("opened", {"roster_hash": "b" * 64, "entitled": 45}),
    ("closed", {"ballots_cast": 43, "result_hash": "c" * 64}),
    ("published", {"bulletin_digest": "d" * 64}),
)


def test_canonical_json_is_one_spelling_for_one_value():
    assert canonical_json({"b": 1, "a": [1, {"y": 2, "x": "代表"}]}) == (
        '{"a":[1,{"x":"代表","y":2}],"b":1}')
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_an_entry_hashes_the_previous_hash_and_its_canonical_content():
    payload = {"entitled": 45, "roster_hash": "b" * 64}
    body = '{"kind":"opened","payload":{"entitled":45,"roster_hash":"' + "b" * 64 + '"},"seq":2}'
    expected = hashlib.sha256(("f" * 64 + body).encode()).hexdigest()
    assert entry_hash("f" * 64, 2, "opened", payload) == expected


def test_an_intact_chain_verifies_and_its_head_is_the_last_hash():
    entries = chain(*STEPS)
    assert verify_chain(entries) == []
    assert entries[0]["prev_hash"] == GENESIS
    assert head(entries) == entries[-1]["hash"]
    assert head([]) == GENESIS
    assert verify_chain([]) == []


def _edit_payload(entries):
    entries[2]["payload"]["ballots_cast"] = 44


def _rehash_edited(entries):
    # A forger who edits an entry and fixes its own hash still breaks the next link.
    entries[1]["payload"]["entitled"] = 46
    entries[1]["hash"] = entry_hash(entries[1]["prev_hash"], 2, "opened", entries[1]["payload"])


def _drop_middle(entries):
    del entries[1]


def _swap(entries):
    entries[1], entries[2] = entries[2], entries[1]


def _rename_kind(entries):
    entries[3]["kind"] = "closed"


def _unknown_kind(entries):
    entries[0]["kind"] = "erased"


def _renumber(entries):
    entries[3]["seq"] = 9


@pytest.mark.parametrize("tamper", [_edit_payload, _rehash_edited, _drop_middle, _swap,
                                    _rename_kind, _unknown_kind, _renumber])
def test_any_change_to_the_chain_is_detected(tamper):
    entries = copy.deepcopy(chain(*STEPS))
    tamper(entries)
    assert verify_chain(entries)


def test_dropping_the_tail_keeps_a_valid_chain_but_moves_the_head():
    # Truncation is caught by comparing heads: the ledger head is published elsewhere.
    entries = chain(*STEPS)
    assert verify_chain(entries[:2]) == []
    assert head(entries[:2]) != head(entries)


def test_a_payload_that_is_not_an_object_is_reported():
    entries = json.loads(json.dumps(chain(*STEPS[:1])))
    entries[0]["payload"] = ["not", "an", "object"]
    assert any("payload" in p for p in verify_chain(entries))
