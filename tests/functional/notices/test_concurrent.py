"""Several workers at once never send one notice twice: their claims do not overlap
(PostgreSQL: FOR UPDATE SKIP LOCKED and a compare-and-set UPDATE; SQLite: the UPDATE alone)."""

from __future__ import annotations

import threading
from collections import Counter

from app import create_app
from app.db import make_engine
from app.notices.delivery import deliver_due
from tests.conftest import environ_for
from tests.functional.notices.outside import deliveries, notices_for

WORKERS = 4
NOTICES = 24


def test_workers_sweeping_together_send_each_notice_exactly_once(own_database, inbox, tmp_path):
    engine = make_engine(own_database)
    keys = notices_for(engine, NOTICES)
    app = create_app(environ=environ_for(tmp_path, DATABASE_URL=own_database,
                                         SMTP_URL=inbox.url, YISHI_REQUEST_LOG="0"))
    start = threading.Barrier(WORKERS)
    sweeps, errors = [], []

    def work():
        start.wait()
        try:
            # Each sweep ends when nothing is due or a claim conflicted; keep sweeping.
            for _ in range(NOTICES):
                sweep = deliver_due(app)
                sweeps.append(sweep)
                if all(row.status == "sent" for row in deliveries(engine)):
                    return
        except Exception as error:  # the test's failure, not the thread's silence
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert {row.status for row in deliveries(engine)} == {"sent"}
    arrived = Counter(inbox.message_ids())
    assert sorted(arrived) == sorted(f"<{key}@127.0.0.1>" for key in keys)
    assert set(arrived.values()) == {1}
    assert sum(sweep.sent for sweep in sweeps) == NOTICES
    assert {row.attempts for row in deliveries(engine)} == {1}
    app.extensions["yishi.engine"].dispose()
    engine.dispose()
