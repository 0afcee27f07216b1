"""The nightly backup of the deployment (deploy/systemd/yishi-backup.service) restores whole,
photos included, by the routine docs/deploy.md gives."""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.deploy.clients import Visitor, propose_with_photo
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.deploy

UNIT = ROOT / "deploy" / "systemd" / "yishi-backup.service"
COUNTS = ("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM proposals),"
          " (SELECT count(*) FROM progress_reports), (SELECT count(*) FROM photo_blobs),"
          " (SELECT md5(string_agg(md5(data), ',' ORDER BY key)) FROM photo_blobs)")


def backup_command(folder) -> list[str]:
    """The unit's ExecStart=, as systemd runs it (%% is a plain %), into `folder`."""
    line = next(x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    command = line.removeprefix("ExecStart=").replace("%%", "%")
    return shlex.split(command.replace("/var/backups/yishi", str(folder)))


def test_the_nightly_dump_restores_into_a_fresh_database_with_its_photos(
        deployment, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore (Debian's postgresql-client) are not installed")
    resident = Visitor(deployment)
    assert resident.sign_in(deployment.nginx, "resident02").status_code == 302
    propose_with_photo(resident, deployment.nginx, f"备份测试：社区健身角{secrets.token_hex(3)}")
    with deployment.engine.connect() as conn:
        before = conn.execute(text(COUNTS)).one()
    assert before[3] >= 1  # a photo is in the database, so it is in the dump

    subprocess.run(backup_command(tmp_path), check=True, timeout=120,
                   env={**os.environ, "DATABASE_URL": deployment.database_url})
    (dump,) = tmp_path.glob("yishi-*.dump")

    url = make_url(deployment.database_url)
    restored = f"{url.database}_restored"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{restored}"'))
        target = url.set(database=restored)
        libpq = target.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq}",
                        str(dump)], check=True, timeout=120)
        copy = create_engine(target)
        with copy.connect() as conn:
            assert conn.execute(text(COUNTS)).one() == before
        copy.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'))
        admin.dispose()
