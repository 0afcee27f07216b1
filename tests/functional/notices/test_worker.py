"""The worker against the real Redis (`flask notices worker` runs its sweep as an RQ job), and
delivery inline without it (`flask notices deliver`), with and without an SMTP server."""

from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from app.notices.delivery import deliver_due
from app.notices.worker import run_worker
from proposals.collection.services import notify
from proposals.notices.models import NoticeDelivery
from tests.functional.notices.queues import REDIS_URL, needs_redis, new_queue_name, remove_queue


@pytest.fixture
def queue_name():
    name = new_queue_name()
    yield name
    remove_queue(name)


@needs_redis
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


def test_flask_notices_deliver_sends_what_is_due_inline(db, mailing, inbox, person, propose):
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    result = mailing.test_cli_runner().invoke(args=["notices", "deliver"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert [str(m["To"]) for m in inbox.messages] == [reader.email]


def test_in_development_without_smtp_the_email_is_printed(db, app, person, propose, capsys):
    reader = person(locale="en")
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    assert deliver_due(app).sent == 1
    printed = capsys.readouterr().out
    assert "---- email (console" in printed and f"To: {reader.email}" in printed
    assert "王芳 commented on your proposal." in printed


def test_in_production_without_smtp_a_notice_is_skipped_not_printed_as_sent(
        db, app, person, propose, capsys):
    app.config["ENV_NAME"] = "production"
    reader = person()
    notify(db, [reader.id], "comment", propose(reader), name="王芳")
    db.commit()
    assert deliver_due(app).skipped == 1
    (row,) = db.scalars(select(NoticeDelivery).where(NoticeDelivery.user_id == reader.id)
                        .execution_options(populate_existing=True))
    assert row.status == "skipped" and "SMTP_URL" in row.last_error
    assert "---- email" not in capsys.readouterr().out
