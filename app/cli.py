"""Flask commands: database migrations, the first admin, demo data, translations, ballots."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app import migrate
from app.config import ROOT
from app.notices.cli import notices_group


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translations)
    app.cli.add_command(ballot_group)
    app.cli.add_command(notices_group)


@click.group("db", cls=AppGroup, help="Database schema migrations (Alembic).")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Bring the schema up to the newest migration.")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade", help="Step the schema back to a revision.")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


@db_group.command("backup", help="Copy the SQLite database, consistently, while the app runs.")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def db_backup(target: str) -> None:
    """SQLite's online backup: a consistent copy even while requests write, page by page.

    PostgreSQL is backed up with its own tool (pg_dump); see the README's "Backups".
    """
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        raise click.ClickException(
            "This database is not a SQLite file; back PostgreSQL up with pg_dump "
            "(README, “Backups”).")
    if Path(target).exists():
        raise click.ClickException(f"{target} exists already; choose a new file.")
    source = sqlite3.connect(url.database)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()
    click.echo(f"Backed up to {target}.")


@db_group.command("reindex", help="Rebuild the proposals' search text with today's word list.")
@with_appcontext
def db_reindex() -> None:
    from app.db import get_session
    from proposals.collection.services import reindex_search

    session = get_session()
    changed = reindex_search(session)
    session.commit()
    click.echo(f"{changed} proposals re-indexed.")


@db_group.command("revision", help="Write a new migration from the models' changes.")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    migrate.revision(current_app.config["DATABASE_URL"], message)


@click.command("create-admin", help="Create an administrator account (the first one, say).")
@click.option("--username", prompt=True)
@click.option("--name", "display_name", prompt="Name shown to others")
@click.password_option()
@with_appcontext
def create_admin(username: str, display_name: str, password: str) -> None:
    from flask_babel import force_locale

    from app.auth.forms import PASSWORD_MIN
    from app.auth.passwords import hash_password
    from app.auth.strength import weakness
    from app.db import get_session
    from votes.base import DomainError
    from votes.people import Role, register_user

    if len(password) < PASSWORD_MIN:
        raise click.ClickException(f"The password needs at least {PASSWORD_MIN} characters.")
    with force_locale("en"):  # the command line speaks English, outside any request
        weak = weakness(password, (username, display_name))
    if weak is not None:  # the same rule as every new password on the site
        raise click.ClickException(f"Not created: {weak}")
    session = get_session()
    try:
        register_user(
            session, username=username, display_name=display_name,
            password_hash=hash_password(password), roles=(Role.ADMIN, Role.OFFICIAL),
        )
    except DomainError as error:
        raise click.ClickException(f"Not created: {error.code}") from None
    session.commit()
    click.echo(f"Administrator {username} created.")


@click.command("seed-demo", help="Fill the database with a realistic demo (idempotent).")
@click.option("--password", default="yishi-demo-2027", show_default=True,
              help="Password of every demo account.")
@click.option("--if-empty", is_flag=True, help="Only when the database has no account yet.")
@with_appcontext
def seed_demo(password: str, if_empty: bool) -> None:
    from sqlalchemy import func, select

    from app.db import get_session
    from app.demo.seed import seed
    from votes.people import User

    session = get_session()
    if if_empty and session.scalar(select(func.count(User.id))):
        click.echo("The database has accounts already; demo data not loaded.")
        return
    summary = seed(session, password=password)
    session.commit()
    click.echo(summary)


@click.group("translations", help="Message catalogs (Babel).")
def translations() -> None:
    pass


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)  # noqa: S603


@translations.command("extract", help="Collect strings and update every catalog.")
def translations_extract() -> None:
    pot = str(ROOT / "app" / "translations" / "messages.pot")
    # pgettext/npgettext are Babel's defaults; the lazy ones (and _l) must be named.
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_pgettext:1c,2",
             "--no-location", "--sort-output", "-o", pot,
             str(ROOT / "app"), str(ROOT / "templates"))
    _pybabel("update", "-i", pot, "-d", str(ROOT / "app" / "translations"), "--no-fuzzy-matching")


@translations.command("compile", help="Compile the catalogs the app reads.")
def translations_compile() -> None:
    _pybabel("compile", "-d", str(ROOT / "app" / "translations"))


@click.group("ballot", cls=AppGroup, help="Ballots: check a counted ballot end to end.")
def ballot_group() -> None:
    pass


@ballot_group.command("verify", help="Verify a ballot's ledger, ballots, count and bulletin.")
@click.argument("ballot_id", type=int)
def ballot_verify(ballot_id: int) -> None:
    from app.db import get_session
    from votes.bulletin import verify_ballot

    report = verify_ballot(get_session(), ballot_id)
    for problem in report.problems:
        click.echo(f"FAIL  {problem}")
    if not report.ok:
        raise click.exceptions.Exit(1)
    click.echo(f"OK    ballot {ballot_id}: ledger, ballots, count and bulletin agree.")
