"""The background worker: RQ on Redis runs the outbox sweep, again and again.

The outbox in the database, not the queue, holds each delivery's state (claim, attempts,
backoff), because it is written in the notification's own transaction. The queue carries
the work of sending: `flask notices worker` runs an RQ worker (SimpleWorker: the sweep runs
in the worker's own process, so killing the worker kills the send with it) and puts a sweep
job on its queue every NOTICES_POLL_SECONDS when none is waiting. Several workers, on
several machines, share one queue; their claims never overlap.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import asdict

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue, SimpleWorker

from app.notices.delivery import deliver_due

log = logging.getLogger("yishi.notices")

SWEEP_SECONDS = 60  # one sweep stops claiming after this; the next one goes on
_app: Flask | None = None


def _the_app() -> Flask:
    """The app the job runs in: the worker's own, or one made for a plain `rq worker`."""
    global _app
    if has_app_context():
        return current_app._get_current_object()
    if _app is None:
        from app import create_app

        _app = create_app()
    return _app


def sweep() -> dict:
    """The RQ job: deliver what is due now; returns how many were sent, retried, ..."""
    app = _the_app()
    with app.app_context():
        return asdict(deliver_due(app, seconds=SWEEP_SECONDS))


def queue_of(app: Flask, connection: Redis) -> Queue:
    return Queue(app.config["NOTICES_QUEUE"], connection=connection)


def enqueue_sweep(app: Flask, queue: Queue):
    """A sweep job; its timeout covers a full sweep and one last delivery's claim."""
    return queue.enqueue(sweep, job_timeout=SWEEP_SECONDS + app.config["NOTICES_CLAIM_SECONDS"],
                         result_ttl=60, failure_ttl=86400,
                         description="deliver due notices")


def _tick(app: Flask, queue: Queue, stop: threading.Event) -> None:
    while not stop.wait(app.config["NOTICES_POLL_SECONDS"]):
        try:
            if queue.count == 0:
                enqueue_sweep(app, queue)
        except Exception:  # Redis away a moment: the next tick tries again
            log.warning("could not queue a notice sweep", exc_info=True)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the notices' queue until stopped (SIGTERM/SIGINT: after the running sweep)."""
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = queue_of(app, connection)
    worker = SimpleWorker([queue], connection=connection,
                          name=f"{queue.name}.{socket.gethostname()}.{os.getpid()}")
    enqueue_sweep(app, queue)  # at once, for what waited while no worker ran
    if burst:
        worker.work(burst=True, logging_level="WARNING")
        return
    stop = threading.Event()
    ticker = threading.Thread(target=_tick, args=(app, queue, stop), daemon=True,
                              name="notices-ticker")
    ticker.start()
    try:
        worker.work(logging_level="WARNING")
    finally:
        stop.set()
