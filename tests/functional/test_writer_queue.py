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
