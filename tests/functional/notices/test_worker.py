"""The worker against the real Redis: `flask notices worker` runs its sweep as an RQ job."""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue

from app.notices.worker import run_worker
from proposals.collection.services import notify
from tests.functional.notices.queues import REDIS_URL, needs_redis, new_queue_name, remove_queue

pytestmark = needs_redis


@pytest.fixture
def queue_name():
    name = new_queue_name()
    yield name
    remove_queue(name)


def test_the_worker_takes_its_sweep_from_redis_and_delivers_the_outbox(
        db, mailing, inbox, person, propose, queue_name):
    mailing.config.update(REDIS_URL=REDIS_URL, NOTICES_QUEUE=queue_name)
    first, second = person(), person(locale="en")
    notify(db, [first.id, second.id], "comment", propose(first), name="王芳")
    db.commit()

    with mailing.app_context():
        run_worker(mailing, burst=True)

    assert sorted(str(m["To"]) for m in inbox.messages) == sorted([first.email, second.email])
    queue = Queue(queue_name, connection=Redis.from_url(REDIS_URL))
    (job_id,) = queue.finished_job_registry.get_job_ids()
    assert queue.fetch_job(job_id).return_value() == {
        "sent": 2, "retried": 0, "failed": 0, "skipped": 0}
    assert queue.count == 0


def test_without_redis_the_worker_command_says_how_to_deliver_inline(app):
    app.config["REDIS_URL"] = None
    result = app.test_cli_runner().invoke(args=["notices", "worker"])
    assert result.exit_code != 0 and "flask notices deliver" in result.output
