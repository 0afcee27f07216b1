"""`flask notices worker` (RQ on Redis) and `flask notices deliver` (inline, no Redis)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import AppGroup


@click.group("notices", cls=AppGroup, help="Email and SMS notices: deliver the outbox.")
def notices_group() -> None:
    pass


@notices_group.command("worker", help="Run the background worker (needs REDIS_URL).")
@click.option("--burst", is_flag=True, help="Deliver what is due, then stop.")
def worker(burst: bool) -> None:
    from app.notices.worker import run_worker

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(
            "REDIS_URL is not set; without Redis run `flask notices deliver --every 10`.")
    if not app.config.get("SMTP_URL"):
        click.echo("notices: SMTP_URL is not set; emails are written here instead.", err=True)
    click.echo(f"notices: worker on queue {app.config['NOTICES_QUEUE']}", err=True)
    run_worker(app, burst=burst)


@notices_group.command("deliver", help="Deliver the due notices now, inline (no Redis).")
@click.option("--every", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help="Keep going: deliver again every SECONDS until stopped.")
def deliver(every: int | None) -> None:
    from app.notices.delivery import deliver_due

    app = current_app._get_current_object()
    while True:
        sweep = deliver_due(app)
        if sweep.handled or every is None:
            click.echo(f"notices: {sweep.sent} sent, {sweep.retried} to retry, "
                       f"{sweep.failed} failed, {sweep.skipped} skipped", err=True)
        if every is None:
            return
        time.sleep(every)
