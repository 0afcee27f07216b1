"""The production server as configured (gunicorn.conf.py): two workers serve real pages."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade(url)
    port = free_port()
    env = {**os.environ, "YISHI_ENV": "production", "SECRET_KEY": "s" * 40,
           "DATABASE_URL": url, "YISHI_INSTANCE": str(tmp_path), "YISHI_FORCE_HTTPS": "0",
           "YISHI_BIND": f"127.0.0.1:{port}", "YISHI_WORKERS": "2"}
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(base + "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        os.killpg(server.pid, signal.SIGTERM)
        pytest.fail("gunicorn did not start:\n" + server.communicate(timeout=10)[0].decode())
    yield base, server
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def test_two_preloaded_workers_serve_pages_search_and_readiness(served):
    base, server = served
    status, page = fetch(base + "/readyz")
    assert (status, page.count('"ok"')) == (200, 2)
    for _ in range(6):  # spread over both workers: each opened its own connections
        status, page = fetch(base + "/proposals?q=%E5%8A%A0%E8%A3%85%E7%94%B5%E6%A2%AF")
        assert status == 200 and "加装电梯" in page
    # The master forks its workers one after the other; on a busy machine the second may
    # still be starting when the first has answered.
    deadline = time.monotonic() + 30
    while len(children(server.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(children(server.pid)) == 2


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc (Linux)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found
