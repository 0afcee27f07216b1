"""Accounts made for someone else: by an administrator, or at a service counter by an
official for a resident without a phone (an assisted account, 代办账户).

An administrator's account has no password anyone knows: its holder sets one with the code
or link the administrator has sent (the password reset). An assisted account gets a
printed sheet with its username and a first password, shown once and stored only as its
argon2 hash; signing in with it leads straight to "Change password", and until the
resident chooses their own no other page opens (app/auth/access.py).
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from app.auth.passwords import hash_password
from votes.base import DomainError
from votes.mobiles import check_new_mobile
from votes.people import Role, User, find_user, register_user
from votes.sessions import end_sessions

NO_PASSWORD = "!unset"  # noqa: S105  (not a password: a hash nothing matches)
# Read off paper by people who may not read Latin letters often: no 0/o, 1/l/i.
SHEET_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
SHEET_LENGTH = 12


def made_by_admin(session: Session, actor: User, *, username: str, display_name: str,
                  mobile: str | None, email: str | None, roles: list[Role]) -> User:
    """An account an administrator makes; the mobile number waits for its holder's code."""
    if not actor.has_role(Role.ADMIN):
        raise DomainError("forbidden")
    number = check_new_mobile(session, mobile) if mobile else None
    user = register_user(session, username=username, display_name=display_name,
                         password_hash=NO_PASSWORD, email=email or None,
                         roles=tuple(roles) or (Role.RESIDENT,))
    user.mobile = number
    session.flush()
    return user


def sheet_password() -> str:
    return "".join(secrets.choice(SHEET_ALPHABET) for _ in range(SHEET_LENGTH))


def _free_username(session: Session) -> str:
    while True:  # 900,000 names: a collision is rare, and simply drawn again
        name = f"jm{secrets.randbelow(900_000) + 100_000}"
        if find_user(session, name) is None:
            return name


def make_assisted(session: Session, actor: User, *, display_name: str,
                  username: str | None = None) -> tuple[User, str]:
    """An assisted account, made by an official at the counter: returns it and its first
    password, to be printed once."""
    if not actor.has_role(Role.OFFICIAL, Role.ADMIN):
        raise DomainError("forbidden")
    password = sheet_password()
    user = register_user(session, username=username or _free_username(session),
                         display_name=display_name, password_hash=hash_password(password))
    user.assisted = True
    user.assisted_by_id = actor.id
    user.must_change_password = True
    session.flush()
    return user, password


def new_sheet(session: Session, actor: User, user: User) -> str:
    """A new first password for an assisted account (its sheet was lost): the old one and
    every session end."""
    if not actor.has_role(Role.OFFICIAL, Role.ADMIN):
        raise DomainError("forbidden")
    if not user.assisted or user.mobile_confirmed_at is not None:
        raise DomainError("not_assisted")  # a person with a phone resets by its code
    password = sheet_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.end_sessions()
    end_sessions(session, user.id)
    session.flush()
    return password
