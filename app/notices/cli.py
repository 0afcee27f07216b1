"""`flask notices worker` (RQ on Redis) and `flask notices deliver` (inline, no Redis)."""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("notices", cls=AppGroup, help="Email and SMS notices: deliver the outbox.")
def notices_group() -> None:
    # What each delivery came to, one line each, on stderr (ids and channels, no addresses).
    log = logging.getLogger("yishi.notices")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def _say_what_is_missing(app) -> None:
    production = app.config.get("ENV_NAME") == "production"
    for setting, what in (("SMTP_URL", "emails"), ("SMS_URL", "text messages")):
        if not app.config.get(setting):
            click.echo(f"notices: {setting} is not set; {what} are "
                       f"{'skipped' if production else 'written here instead'}.", err=True)


@notices_group.command("worker", help="Run the background worker (needs REDIS_URL).")
@click.option("--burst", is_flag=True, help="Deliver what is due, then stop.")
def worker(burst: bool) -> None:
    from app.notices.worker import run_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set; without Redis run `flask notices deliver --every 10`.")
    _say_what_is_missing(app)
    click.echo(f"notices: worker on queue {app.config['NOTICES_QUEUE']}", err=True)
    run_worker(app, burst=burst)


@notices_group.command("deliver", help="Deliver the due notices now, inline (no Redis).")
@click.option("--every", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help="Keep going: deliver again every SECONDS until stopped.")
def deliver(every: int | None) -> None:
    from app.notices.delivery import deliver_due

    app = current_app._get_current_object()
    _say_what_is_missing(app)
    while True:
        sweep = deliver_due(app)
        if sweep.handled or every is None:
            click.echo(f"notices: {sweep.sent} sent, {sweep.retried} to retry, "
                       f"{sweep.failed} failed, {sweep.skipped} skipped", err=True)
        if every is None:
            return
        time.sleep(every)
