"""SQLite's writers queue on a lock file (app/writer_queue.py): held for exactly the length of
a writing transaction, however it ends, and a second writer waits its turn."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import make_engine
from app.migrate import upgrade
from app.writer_queue import lock_path
from votes.casting import begin_write


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "queue.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    yield engine, str(path)
    engine.dispose()


def turn_is_free(path: str) -> bool:
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing lets go of a lock this test took
    return True


@pytest.mark.parametrize("ending", ["commit", "rollback", "close", "error"])
def test_a_writer_holds_the_turn_until_its_transaction_ends(database, ending):
    engine, path = database
    session = Session(engine)
    begin_write(session)
    session.execute(text("UPDATE data_versions SET version = version + 1"))
    assert not turn_is_free(path)
    if ending == "commit":
        session.commit()
    elif ending == "rollback":
        session.rollback()
    elif ending == "close":
        session.close()  # back to the pool, which resets the connection
    else:
        with pytest.raises(Exception, match="no such table"):
            session.execute(text("SELECT * FROM no_such_table"))
        session.rollback()
    assert turn_is_free(path)
    session.close()


def test_a_reader_never_takes_the_turn(database):
    engine, path = database
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM users")).scalar()
        assert turn_is_free(path)


def test_a_second_writer_begins_only_after_the_first_ends(database):
    engine, path = database
    order: list[str] = []
    first_in = threading.Event()

    def writer(name: str, wait_for: threading.Event | None) -> None:
        if wait_for is not None:
            wait_for.wait()
        with Session(engine) as session:
            begin_write(session)
            order.append(f"{name} began")
            if name == "first":
                first_in.set()
                # The second is queued on the file by now or soon; it cannot begin before this.
                threading.Event().wait(0.2)
            session.execute(text("UPDATE data_versions SET version = version + 1"))
            order.append(f"{name} ends")
            session.commit()

    threads = [threading.Thread(target=writer, args=("first", None)),
               threading.Thread(target=writer, args=("second", first_in))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert order == ["first began", "first ends", "second began", "second ends"]
    assert turn_is_free(path)


def test_a_delegate_s_cast_takes_its_turn_once(tmp_path):
    """Looking the delegate up and reading the ballot take no second turn: the request
    begins as the writer once and stays it (app/auth/signin.py, app/db.begin_writing)."""
    from datetime import date

    from sqlalchemy import event

    from app import create_app
    from app.auth.passwords import hash_password
    from tests.conftest import PASSWORD, environ_for
    from votes.ballots import CastBallot
    from votes.casting import create_ballot, open_ballot
    from votes.people import Assembly, Role, add_member, register_user
    from votes.rules import BallotRules

    url = f"sqlite:///{tmp_path / 'cast.db'}"
    upgrade(url)
    app = create_app(overrides={"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100 per minute"},
                     environ=environ_for(tmp_path, DATABASE_URL=url))
    with app.extensions["yishi.sessionmaker"]() as s:
        official = register_user(s, username="clerk", display_name="工作人员",
                                 password_hash="-", roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="排队区人大", area="排队区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        s.add(assembly)
        delegate = register_user(s, username="daibiao", display_name="代表",
                                 password_hash=hash_password(PASSWORD), roles=(Role.DELEGATE,))
        add_member(s, assembly, delegate, official, joined_on=date(2024, 1, 1))
        ballot = create_ballot(s, official, assembly, "motion", None, "排队票决",
                               BallotRules(seats=1), [{"title": t} for t in "甲乙"])
        s.commit()
        open_ballot(s, official, ballot)
        s.commit()
        ballot_id, options = ballot.id, [o.id for o in ballot.options]
    browser = app.test_client()
    browser.post("/account/login", data={"username": "daibiao", "password": PASSWORD})
    marks = {f"option-{options[0]}": "yes", f"option-{options[1]}": "no"}
    begins: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            begins.append(statement)

    engine = app.extensions["yishi.engine"]
    event.listen(engine, "before_cursor_execute", seen)
    cast = browser.post(f"/delegate/ballots/{ballot_id}/cast", data=marks)
    event.remove(engine, "before_cursor_execute", seen)
    assert cast.status_code == 200 and 'id="receipt"' in cast.text
    assert begins.count("BEGIN IMMEDIATE") == 1
    with app.extensions["yishi.sessionmaker"]() as s:
        assert s.query(CastBallot).count() == 1
    engine.dispose()
