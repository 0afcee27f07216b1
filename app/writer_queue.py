"""SQLite: writers wait their turn in a queue, not in SQLite's busy handler.

SQLite has one write lock. A connection that finds it taken sleeps in its busy handler and
tries again, sleeping longer each time (1, 2, 5, ... up to 100 ms); meanwhile a newcomer may
take the lock the moment it is free. Under a burst (a thousand delegates casting at once)
the unlucky writer waits a second or more while the median waits a tenth of that.

So a transaction that begins as a writer (BEGIN IMMEDIATE, app/db.py) first takes an
exclusive lock on a file beside the database (`<database>-writer.lock`), with flock(2): the
kernel wakes the next waiter as soon as the holder lets go, in every process of every app
server on that machine (SQLite itself needs one machine). The file lock is let go when the
transaction ends: commit, rollback, or the pool resetting the connection.

A thread that already holds the file lock through another connection does not take it again
(it would wait on itself): that second writer falls back to SQLite's own wait, as before.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Callable

from sqlalchemy import Engine, event

FD = "yishi.writer_fd"
_holders: set[int] = set()  # threads that hold a file lock now
_guard = threading.Lock()


def lock_path(database: str) -> str:
    return f"{database}-writer.lock"


def _release(info: dict) -> None:
    held = info.pop(FD, None)
    if held is None:
        return
    fd, thread = held
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
        with _guard:
            _holders.discard(thread)


def release(connection) -> None:
    """Let the turn go, if `connection` holds it (BEGIN IMMEDIATE failed, say)."""
    _release(connection.connection.info)


def install(engine: Engine, database: str) -> Callable[[object], None]:
    """Let go of the turn whenever a transaction of `engine` ends; returns the function that
    takes the turn, which app.db calls just before BEGIN IMMEDIATE."""
    path = lock_path(database)

    @event.listens_for(engine, "commit")
    def on_commit(connection):
        _release(connection.connection.info)

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        _release(connection.connection.info)

    @event.listens_for(engine, "reset")
    def on_reset(_dbapi_connection, record, _state=None):
        _release(record.info)

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection, record):
        _release(record.info)

    @event.listens_for(engine, "invalidate")
    def on_invalidate(_dbapi_connection, record, _exception):
        _release(record.info)

    def take_turn(connection) -> None:
        info = connection.connection.info
        thread = threading.get_ident()
        with _guard:
            if thread in _holders or FD in info:
                return
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        info[FD] = (fd, thread)
        with _guard:
            _holders.add(thread)

    return take_turn
