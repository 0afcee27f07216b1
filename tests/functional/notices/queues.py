"""The worker tests' own RQ queue on the suite's Redis (TEST_REDIS_URL, db 15), and its removal."""

from __future__ import annotations

import os
import uuid

import pytest
from redis import Redis
from rq import Queue

REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()

needs_redis = pytest.mark.skipif(not REDIS_URL,
                                 reason="TEST_REDIS_URL is not set (.ci/run sets it)")


def new_queue_name() -> str:
    return f"yishi-notices-test-{uuid.uuid4().hex[:12]}"


def remove_queue(name: str) -> None:
    """Every key the queue, its jobs and its workers left, and nothing of anyone else's."""
    connection = Redis.from_url(REDIS_URL)
    queue = Queue(name, connection=connection)
    job_ids = set(queue.get_job_ids())
    for registry in (queue.finished_job_registry, queue.failed_job_registry,
                     queue.started_job_registry, queue.scheduled_job_registry,
                     queue.deferred_job_registry, queue.canceled_job_registry):
        job_ids.update(registry.get_job_ids())
    queue.delete(delete_jobs=True)
    for marker in (name, *job_ids):
        for key in connection.scan_iter(match=f"*{marker}*"):
            connection.delete(key)
    for member in connection.smembers("rq:workers"):
        if name.encode() in member:
            connection.srem("rq:workers", member)
    connection.close()
