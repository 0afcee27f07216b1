"""Signing in as a session of its own: the row made at sign-in, and the loader that wants it.

Flask-Login's id (in the session cookie and the remember-me cookie) is
"user id:session_version:token"; the loader lets it in only while the account is active,
its version unchanged and the token's row in account_sessions live. Older "id:version"
cookies name no row and are signed out.
"""

from __future__ import annotations

import re

from flask import current_app, request
from flask_login import login_user
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db import KEEPS_PAGES, WRITE_METHODS, get_session
from app.extensions import login_manager
from votes.people import User
from votes.sessions import live_session, needs_touch, start_session, touch

# The first that matches names the browser (WeChat's and QQ's built-in browsers say Safari
# or Chrome too, so they come first; Edge and Opera say Chrome).
_BROWSERS = (("MicroMessenger", "WeChat"), ("QQ/", "QQ"), ("MQQBrowser", "QQ Browser"),
             ("UCBrowser", "UC Browser"), ("Edg", "Edge"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("CriOS", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("HarmonyOS", "HarmonyOS"), ("Android", "Android"), ("iPhone", "iPhone"),
            ("iPad", "iPad"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """A coarse name for a device, "Chrome on Android": enough to recognise one's own, too
    little to single anyone out. No address is kept with it (see docs/accounts.md)."""
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in agent), None)
    if browser and system:
        return f"{browser} / {system}"
    if browser or system:
        return browser or system
    word = re.match(r"[A-Za-z][A-Za-z0-9._-]{0,30}", agent)
    return word.group(0) if word else "?"


def sign_in(user: User, *, remember: bool = False) -> None:
    """A new session for `user` on this device, committed, then the cookie that names it."""
    session = get_session()
    # No public page shows who is signed in: the cached pages stay (app/caching.py).
    session.info[KEEPS_PAGES] = True
    row, token = start_session(session, user, describe_device(request.user_agent.string))
    session.commit()
    user.session_token, user.account_session_id = token, row.id
    login_user(user, remember=remember)


def _touch(session_id: int) -> None:
    """Note that the session was seen, in a short transaction of its own (a page read holds
    no write lock). It does not queue with the writers: on SQLite it waits at most a tenth
    of a second for the write lock, and a busy database only leaves the time older."""
    writer = current_app.extensions["yishi.sessionmaker"]()
    writer.info[KEEPS_PAGES] = True  # no public page shows when someone was last seen
    sqlite = writer.get_bind().dialect.name == "sqlite"
    try:
        if sqlite:
            writer.execute(text("PRAGMA busy_timeout=100"))
        touch(writer, session_id)
        writer.commit()
    except DBAPIError:
        writer.rollback()
        current_app.logger.info("session %s was seen, but the database was busy", session_id)
    finally:
        if sqlite:
            writer.connection().exec_driver_sql("PRAGMA busy_timeout=15000")  # app/db.py's
            writer.rollback()
        writer.close()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The account a cookie names, while that sign-in's session is live."""
    parts = user_id.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or not parts[2]:
        return None
    number, version, token = parts
    session = get_session()
    if request.method in WRITE_METHODS and session.get_bind().dialect.name == "sqlite":
        return _load_for_writing(session, int(number), int(version), token)
    user = session.get(User, int(number))
    if user is None or not user.active or user.session_version != int(version):
        return None
    row = live_session(session, user.id, token)
    if row is None:
        return None
    user.session_token, user.account_session_id = token, row.id
    # Only on reads: a write request's session is the writer already (and commits its own).
    if request.method in ("GET", "HEAD") and needs_touch(row):
        # The page's reading transaction ends first (it is begun again at the next query,
        # seeing the write), so no snapshot older than the write outlives it.
        session.rollback()
        _touch(user.account_session_id)
    return user


def _load_for_writing(session, number: int, version: int, token: str) -> User | None:
    """On SQLite a request that may write begins as a writer at its first query, and waits
    its turn for the one write lock (app/writer_queue.py). Looking the person up is only a
    read: done in a reading session of its own, it takes no turn, and the account joins the
    request's session without a query, so the request queues once, when its view writes."""
    with current_app.extensions["yishi.sessionmaker"]() as reader:
        user = reader.get(User, number)
        if user is None or not user.active or user.session_version != version:
            return None
        row = live_session(reader, user.id, token)
        if row is None:
            return None
        row_id = row.id
        user = session.merge(user, load=False)  # as loaded; closing the reader ends the read
    user.session_token, user.account_session_id = token, row_id
    return user
