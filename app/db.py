"""The database engine and the one Session per request; SQLite gets WAL, a busy timeout and FKs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, current_app, flash, g, has_request_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from app import writer_queue
from votes import versions
from votes.audit import Request as AuditRequest
from votes.audit import record as record_audit
from votes.base import DomainError
from votes.people import User


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    database = engine.url.database
    take_turn = writer_queue.install(engine, database) \
        if database not in (None, "", ":memory:") else None

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, open transactions, so SAVEPOINT and
        # BEGIN IMMEDIATE behave as written.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        # Deleted rows are overwritten with zeros, not left in free pages: closing a sealed
        # ballot deletes its boxes and key shares (votes/closing.py).
        cursor.execute("PRAGMA secure_delete=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # A writer that must read-then-write without a race (casting a ballot) asks for
        # IMMEDIATE: it takes the write lock at BEGIN instead of failing to upgrade later.
        if connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE":
            if take_turn is not None:
                take_turn(connection)  # in the queue of writers (app/writer_queue.py)
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                writer_queue.release(connection)
                raise
        else:
            connection.exec_driver_sql("BEGIN")


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AppSession(Session):
    """The app's sessions (views, CLI, demo, worker): a commit that wrote anything raises the
    site's data version (votes/versions.py) in the same transaction, so no app server ever
    serves a page cached before it (app/caching.py). A session whose writes change nothing
    anyone reads on a public page (the notice worker's delivery records) sets
    `session.info[KEEPS_PAGES] = True`."""


WROTE = "yishi.wrote"
KEEPS_PAGES = "yishi.keeps_pages"


@event.listens_for(AppSession, "after_flush")
def _flushed(session: Session, _context) -> None:
    session.info[WROTE] = True


@event.listens_for(AppSession, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


@event.listens_for(AppSession, "before_commit")
def _raise_version(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released inside the transaction: its commit comes later
    wrote = session.info.pop(WROTE, False) or session.new or session.dirty or session.deleted
    if wrote and not session.info.get(KEEPS_PAGES):
        versions.bump(session)  # last before the commit's flush, after every other lock
    session.info.pop(WROTE, None)


@event.listens_for(AppSession, "after_rollback")
def _forget(session: Session) -> None:
    # Also called when a SAVEPOINT rolls back; what the transaction wrote before it stays.
    if not session.in_nested_transaction():
        session.info.pop(WROTE, None)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["yishi.engine"] = engine
    app.extensions["yishi.sessionmaker"] = sessionmaker(
        bind=engine, expire_on_commit=False, class_=AppSession)
    # A request that may write reads first (the signed-in user, the form's object) and
    # writes after. On SQLite a reading transaction cannot always become a writer while
    # another writes ("database is locked" at once); starting with BEGIN IMMEDIATE makes
    # such requests wait their turn (busy timeout) instead. PostgreSQL ignores the option.
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    app.extensions["yishi.writer_engine"] = writer
    app.extensions["yishi.writer_sessionmaker"] = sessionmaker(
        bind=writer, expire_on_commit=False, class_=AppSession)
    app.teardown_appcontext(_close_session)


def get_session() -> Session:
    """The request's Session: views commit it once; services only flush."""
    if "db_session" not in g:
        makers = current_app.extensions
        writer = has_request_context() and request.method in WRITE_METHODS \
            and "yishi.writer_sessionmaker" in makers
        g.db_session = makers["yishi.writer_sessionmaker" if writer
                              else "yishi.sessionmaker"]()
    return g.db_session


def begin_writing(session: Session) -> None:
    """End whatever the request read so far and start a writing transaction.

    Write services of the ballot take their lock at BEGIN (SQLite: BEGIN IMMEDIATE), which
    only works at the start of a transaction; objects loaded before are reloaded as needed.
    """
    from votes.casting import begin_write

    if _began_as_writer(session):
        return  # SQLite: it took the write lock at BEGIN; nobody has written since
    session.rollback()
    begin_write(session)


def _began_as_writer(session: Session) -> bool:
    """The session's transaction began with BEGIN IMMEDIATE (a request that may write, on
    SQLite): it already holds the one write lock, so ending it would only let others pass and
    send this request to the back of the writers' queue (app/writer_queue.py)."""
    if not session.in_transaction() or session.in_nested_transaction():
        return False
    connection = session.connection()
    return connection.dialect.name == "sqlite" \
        and connection.get_execution_options().get("sqlite_begin") == "IMMEDIATE"


# Roles whose every write is audited (votes/audit.py), whatever page it is made on.
AUDITED_ROLES = ("official", "admin")
# Checking in, reviewing and casting a ballot (a delegate's, a resident's in a council
# election) are never recorded, even when the voter is also an official: the ballot is
# secret, and its own voter record says who took part, nothing more.
UNAUDITED_ENDPOINTS = frozenset({
    "delegates.check_in", "delegates.review", "delegates.cast",
    "residents.council_election_review", "residents.council_election_cast",
})
NOT_A_FIELD = frozenset({"csrf_token"})


@dataclass(frozen=True)
class _Audit:
    actor: User
    roles: tuple[str, ...]
    request: AuditRequest


def _audited() -> _Audit | None:
    """This request as the audit log keeps it, or None when its writes are not recorded."""
    if not has_request_context() or request.endpoint in UNAUDITED_ENDPOINTS:
        return None
    from flask_login import current_user

    user = current_user._get_current_object()
    if not user.is_authenticated or not user.has_role(*AUDITED_ROLES):
        return None
    names = [*request.form.keys(), *request.files.keys()]
    return _Audit(actor=user, roles=tuple(sorted(str(r) for r in user.roles)), request=AuditRequest(
        action=request.endpoint or "", method=request.method, path=request.path,
        object_ids=dict(request.view_args or {}),
        fields=[name for name in names if name not in NOT_A_FIELD],
        remote_addr=request.remote_addr, user_agent=request.user_agent.string,
    ))


def _record_refusal(session: Session, audit: _Audit, code: str) -> None:
    """A refused write left nothing behind; its refusal is recorded in a transaction of its own."""
    try:
        record_audit(session, audit.actor, audit.roles, audit.request, outcome=code)
        session.commit()
    except BaseException:
        session.rollback()
        raise


@dataclass
class Work:
    """What a view's unit of work came to: committed (`ok`), or undone by `error`."""

    ok: bool = False
    error: DomainError | None = None


@contextmanager
def writing(form=None, *, begin: bool = False, success: str | None = None,
            undo: Callable[[], None] | None = None, quiet: bool = False) -> Iterator[Work]:
    """One unit of work for a view: the block's writes are committed once, or undone.

    `begin` first starts a fresh writing transaction (the ballot's services lock at BEGIN).
    A DomainError rolls back, is shown next to its field of `form` (or flashed) and is not
    raised again: the view reads `work.ok` to choose its page. Any other error rolls back
    and propagates. `undo` runs after a rollback (files stored outside the database);
    `success` is flashed after the commit. `quiet` shows nothing: the view puts
    `work.error` where its page needs it (a list of problems, one particular field).

    The commit raises the site's data version (AppSession), so no app server serves a
    page cached before it.

    An official's or admin's write is audited: its entry is added just before the commit,
    so the write and its entry are kept together or not at all; a refusal is recorded
    after the rollback, with the refusal's code.
    """
    from app.messages import report

    session = get_session()
    _write_from_here(session)
    if begin:
        begin_writing(session)
    audit = _audited()
    work = Work()
    try:
        yield work
        if audit is not None:
            record_audit(session, audit.actor, audit.roles, audit.request)
        session.commit()
    except DomainError as error:
        session.rollback()
        if undo is not None:
            undo()
        if audit is not None:
            _record_refusal(session, audit, error.code)
        if not quiet:
            report(error, form)
        work.error = error
        _read_from_here(session)
        return
    except BaseException:
        session.rollback()
        if undo is not None:
            undo()
        raise
    _read_from_here(session)
    work.ok = True
    if success:
        flash(success, "success")


READING = "yishi.reading"


def _read_from_here(session: Session) -> None:
    """The unit of work is over: what the request reads next (to render its page) begins as
    a plain read, which on SQLite takes no turn in the writers' queue and holds no write
    lock while the page renders."""
    writer = current_app.extensions.get("yishi.writer_engine")
    if writer is not None and session.bind is writer and not session.in_transaction():
        session.bind = current_app.extensions["yishi.engine"]
        session.info[READING] = True


def _write_from_here(session: Session) -> None:
    """A second unit of work in one request begins as a writer again."""
    if session.info.pop(READING, False):
        if session.in_transaction():
            session.rollback()  # the read since the last commit ends
        session.bind = current_app.extensions["yishi.writer_engine"]


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
