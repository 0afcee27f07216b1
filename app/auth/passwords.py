"""Password hashing with argon2id; hashes made with older parameters are renewed at login."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def use_light_parameters() -> None:
    """Tests only: argon2id still, with parameters that cost milliseconds, not tenths."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_dummy: dict[int, str] = {}


def spend_like_a_check(password: str) -> None:
    """Take as long as a real check, so timing does not tell which usernames exist."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy.clear()
        _dummy[key] = _hasher.hash("no account has this password")
    verify_password(_dummy[key], password)


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
