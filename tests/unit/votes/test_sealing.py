"""Sealing a ballot for its tellers: shares, passphrases, one length, nothing to recognise."""

from __future__ import annotations

import itertools

import pytest

from votes import sealing

PASSPHRASES = ["第一位监票人的口令", "second teller's words", "third-teller-phrase"]


def make(threshold=2):
    public, shares = sealing.new_key(PASSPHRASES, threshold)
    return public, shares


def unwrapped(shares, which):
    return [sealing.unwrap(shares[i], PASSPHRASES[i]) for i in which]


def test_any_two_of_three_tellers_rebuild_the_key_and_open_every_ballot():
    public, shares = make()
    box = sealing.seal(public, "ABCD-EFGH-JK", '{"7":"yes","8":"no"}', option_count=2)
    for pair in itertools.combinations(range(3), 2):
        key = sealing.rebuild(public, unwrapped(shares, pair), threshold=2)
        assert sealing.unseal(key, box) == ("ABCD-EFGH-JK", {"7": "yes", "8": "no"})


def test_one_teller_alone_cannot_open_the_box():
    public, shares = make()
    for i in range(3):
        with pytest.raises(sealing.SealingError) as caught:
            sealing.rebuild(public, unwrapped(shares, [i]), threshold=2)
        assert caught.value.code == "shares_needed"
    # A share given twice is still one teller.
    with pytest.raises(sealing.SealingError):
        sealing.rebuild(public, unwrapped(shares, [0, 0]), threshold=2)


def test_a_wrong_passphrase_opens_nothing_and_shares_of_another_ballot_do_not_fit():
    public, shares = make()
    with pytest.raises(sealing.SealingError) as caught:
        sealing.unwrap(shares[0], PASSPHRASES[1])
    assert caught.value.code == "wrong_passphrase"
    other_public, other_shares = make()
    with pytest.raises(sealing.SealingError) as caught:
        sealing.rebuild(public, unwrapped(other_shares, [0, 1]), threshold=2)
    assert caught.value.code == "shares_do_not_match"


def test_a_three_of_three_key_needs_all_three():
    public, shares = make(threshold=3)
    with pytest.raises(sealing.SealingError):
        sealing.rebuild(public, unwrapped(shares, [0, 2]), threshold=3)
    assert sealing.rebuild(public, unwrapped(shares, [0, 1, 2]), threshold=3)


@pytest.mark.parametrize(("threshold", "count"), [(1, 3), (4, 3), (2, 1), (2, 10)])
def test_thresholds_that_would_let_one_person_open_it_or_nobody_are_refused(threshold, count):
    with pytest.raises(sealing.SealingError) as caught:
        sealing.new_key(["a passphrase long enough"] * count, threshold)
    assert caught.value.code == "invalid_threshold"


def test_every_box_of_a_ballot_has_one_length_and_none_shows_its_tracker():
    public, _ = make()
    ballots = [("AAAA-AAAA-AA", "{}"), ("BBBB-BBBB-BB", '{"2147483647":"yes"}'),
               ("CCCC-CCCC-CC", '{"1":"no","2":"no","3":"no"}'),
               ("DDDD-DDDD-DD", '{"1":"yes","2":"yes","3":"yes"}')]
    boxes = [sealing.seal(public, t, c, option_count=3) for t, c in ballots]
    assert len({len(b) for b in boxes}) == 1
    for (tracker, choices), box in zip(ballots, boxes, strict=True):
        # An empty ballot's "{}" is two bytes, which random ciphertext holds now and then
        # by chance: only plaintexts long enough to mean something are looked for.
        assert tracker.encode() not in box
        assert len(choices) < 8 or choices.encode() not in box
    # The same ballot sealed twice gives unrelated boxes: a box cannot be recognised.
    again = sealing.seal(public, *ballots[0], option_count=3)
    assert again != boxes[0]


def test_a_share_keeps_the_cost_it_was_wrapped_with_so_new_defaults_never_lock_it(
        monkeypatch):
    public, shares = make()
    kept = [sealing.WrappedShare.from_stored(s.index, s.salt, s.stored()) for s in shares]
    monkeypatch.setattr(sealing, "KDF_OPS", sealing.KDF_OPS + 1)  # the defaults change later
    key = sealing.rebuild(public, [sealing.unwrap(kept[i], PASSPHRASES[i]) for i in (0, 2)],
                          threshold=2)
    assert bytes(key.public_key) == public
