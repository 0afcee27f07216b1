"""Exactly once under kill -9: a worker (a real `flask notices worker` process on the real
Redis) is killed while the SMTP server holds its message before the final 250; the server
drops that transaction, the restarted worker sends the notice again, and every notice's
Message-ID arrives exactly once.

The worker needs a database another process can read: `own_database` (conftest.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from app.config import ROOT
from app.db import make_engine
from tests.conftest import TEST_SECRET
from tests.functional.notices.outside import deliveries, notices_for
from tests.functional.notices.queues import REDIS_URL, needs_redis, new_queue_name, remove_queue

pytestmark = needs_redis
CLAIM_SECONDS = 3  # how long the killed worker's claim holds before the next may retry


@pytest.fixture
def queue_name():
    name = new_queue_name()
    yield name
    remove_queue(name)


def start_worker(database_url, queue, inbox, tmp_path, n):
    env = {**os.environ, "YISHI_ENV": "testing", "SECRET_KEY": TEST_SECRET,
           "YISHI_INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": database_url,
           "REDIS_URL": REDIS_URL, "NOTICES_QUEUE": queue, "SMTP_URL": inbox.url,
           "YISHI_BASE_URL": "https://yishi.example.org", "NOTICES_POLL_SECONDS": "1",
           "NOTICES_CLAIM_SECONDS": str(CLAIM_SECONDS), "YISHI_REQUEST_LOG": "0"}
    log = open(tmp_path / f"worker{n}.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "notices",
                             "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)


def wait_until(check, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_worker_killed_mid_send_delivers_each_notice_exactly_once_after_restart(
        own_database, queue_name, inbox, tmp_path):
    engine = make_engine(own_database)
    keys = notices_for(engine, 3)
    assert len(keys) == 3
    inbox.gate = threading.Event()  # DATA waits before its 250 until the test opens it

    first = start_worker(own_database, queue_name, inbox, tmp_path, 1)
    try:
        assert inbox.wait_for_arrivals(1, timeout=60), (tmp_path / "worker1.log").read_text()
        (held,) = [row for row in deliveries(engine) if row.status == "sending"]
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    # The server sees the connection drop before its 250 and drops the transaction.
    assert wait_until(lambda: inbox.aborted == 1), "the server did not drop the transaction"
    assert inbox.messages == []

    second = start_worker(own_database, queue_name, inbox, tmp_path, 2)
    try:
        assert inbox.wait_for_arrivals(2, timeout=60), (tmp_path / "worker2.log").read_text()
        inbox.gate.set()
        assert wait_until(lambda: all(r.status == "sent" for r in deliveries(engine)), 60), \
            (tmp_path / "worker2.log").read_text()
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()

    expected = sorted(f"<{key}@yishi.example.org>" for key in keys)
    assert sorted(inbox.message_ids()) == expected  # each notice, exactly once
    again = {row.id: row for row in deliveries(engine)}
    assert again[held.id].attempts == 2  # the killed attempt, and the one that went through
    engine.dispose()
