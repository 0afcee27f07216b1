"""Sealed ballots: what a secret ballot's choices are locked with until the tellers open them.

Pure cryptography, no database (docs/bulletin.md, "Sealed ballots"):

- When a ballot opens, a random 16-byte secret is drawn. The ballot's X25519 key pair is
  derived from it (`PrivateKey.from_seed(sha256(secret))`), and only the public key is kept.
- The secret is split by Shamir's scheme (pycryptodome) into one share per teller, any
  `threshold` of which rebuild it; fewer reveal nothing about it.
- Each share is wrapped with a key derived from its teller's passphrase (argon2id, PyNaCl's
  `pwhash`) and a SecretBox. The passphrase is typed by the teller and never stored.
- Each ballot is a sealed box (PyNaCl `SealedBox`: an ephemeral key per ballot, so equal
  choices give unrelated ciphertexts) of a payload padded to one length for the ballot.
- At closing, `threshold` tellers type their passphrases; the shares are unwrapped, the
  secret rebuilt in memory, checked against the public key, used, and forgotten.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash
import nacl.secret
from Crypto.Protocol.SecretSharing import Shamir
from nacl.public import PrivateKey, PublicKey, SealedBox

SECRET_BYTES = 16  # what pycryptodome's Shamir splits; 128 bits
MIN_PASSPHRASE = 12
MAX_TELLERS = 9
# argon2id as PyNaCl calls "interactive": 64 MiB and about a tenth of a second per teller,
# so trying passphrases against a stolen database is slow, and opening a ballot is not.
KDF_OPS = nacl.pwhash.argon2id.OPSLIMIT_INTERACTIVE
KDF_MEM = nacl.pwhash.argon2id.MEMLIMIT_INTERACTIVE


def use_light_parameters() -> None:
    """Tests only: argon2id still, at its smallest cost, so opening a test ballot is cheap."""
    global KDF_OPS, KDF_MEM
    KDF_OPS = nacl.pwhash.argon2id.OPSLIMIT_MIN
    KDF_MEM = nacl.pwhash.argon2id.MEMLIMIT_MIN


class SealingError(ValueError):
    """A passphrase that does not open its share, or shares that do not rebuild the key."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class WrappedShare:
    index: int  # Shamir's x coordinate, 1..n
    salt: bytes
    box: bytes  # SecretBox(argon2id(passphrase, salt)) of the 16-byte share
    # The argon2id costs it was wrapped with: kept with it, so new defaults never lock it.
    ops: int = 0
    mem: int = 0

    def stored(self) -> str:
        """The text kept in ballot_key_shares.wrapped: "ops:mem:hex of the box"."""
        return f"{self.ops}:{self.mem}:{self.box.hex()}"

    @classmethod
    def from_stored(cls, index: int, salt: bytes, text: str) -> WrappedShare:
        ops, mem, box = text.split(":")
        return cls(index, salt, bytes.fromhex(box), int(ops), int(mem))


def _kdf(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE, passphrase.encode("utf-8"), salt,
        opslimit=ops, memlimit=mem)


def _private_key(secret: bytes) -> PrivateKey:
    return PrivateKey.from_seed(hashlib.sha256(secret).digest())


def new_key(passphrases: Sequence[str], threshold: int) -> tuple[bytes, list[WrappedShare]]:
    """A ballot's public key and one wrapped share per passphrase, in the order given."""
    count = len(passphrases)
    if not 2 <= threshold <= count <= MAX_TELLERS:
        raise SealingError("invalid_threshold", threshold=threshold, tellers=count)
    secret = secrets.token_bytes(SECRET_BYTES)
    public = bytes(_private_key(secret).public_key)
    wrapped = []
    for (index, share), passphrase in zip(Shamir.split(threshold, count, secret),
                                          passphrases, strict=True):
        salt = secrets.token_bytes(nacl.pwhash.argon2id.SALTBYTES)
        box = nacl.secret.SecretBox(_kdf(passphrase, salt, KDF_OPS, KDF_MEM)).encrypt(share)
        wrapped.append(WrappedShare(index, salt, bytes(box), KDF_OPS, KDF_MEM))
    return public, wrapped


def unwrap(share: WrappedShare, passphrase: str) -> tuple[int, bytes]:
    """The teller's share, or SealingError("wrong_passphrase")."""
    try:
        key = _kdf(passphrase, share.salt, share.ops, share.mem)
        plain = nacl.secret.SecretBox(key).decrypt(share.box)
    except (nacl.exceptions.CryptoError, ValueError):
        raise SealingError("wrong_passphrase") from None
    return share.index, plain


def rebuild(public_key: bytes, shares: Sequence[tuple[int, bytes]],
            threshold: int) -> PrivateKey:
    """The private key from `threshold` unwrapped shares, checked against the public key."""
    if len({index for index, _ in shares}) < threshold:
        raise SealingError("shares_needed", needed=threshold, given=len(shares))
    key = _private_key(Shamir.combine(list(shares)[:threshold]))
    if bytes(key.public_key) != public_key:
        raise SealingError("shares_do_not_match")
    return key


def payload_length(option_count: int) -> int:
    """One length for every sealed ballot of a ballot, whatever was marked.

    The longest payload marks every option "yes" with the largest option id; the padding
    makes a ballot of few marks as long as one of many, so sizes say nothing of the choices.
    """
    return len('{"choices":{},"tracker":"ABCD-EFGH-JK"}') + option_count * len(
        '"2147483647":"yes",')


def seal(public_key: bytes, tracker: str, choices: str, option_count: int) -> bytes:
    """The sealed box of one ballot: its tracker and its canonical choices, padded."""
    text = json.dumps({"choices": json.loads(choices), "tracker": tracker},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    size = payload_length(option_count)
    data = text.encode("utf-8")
    if len(data) > size:
        raise SealingError("payload_too_long")
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data + b" " * (size - len(data))))


def unseal(key: PrivateKey, box: bytes) -> tuple[str, dict[str, str]]:
    """(tracker, choices) of a sealed ballot; SealingError("unreadable_ballot") if it is not one."""
    try:
        payload = json.loads(SealedBox(key).decrypt(box).decode("utf-8"))
        return str(payload["tracker"]), dict(payload["choices"])
    except (nacl.exceptions.CryptoError, ValueError, KeyError, TypeError):
        raise SealingError("unreadable_ballot") from None
