"""The reference deployment on loopback: nginx (Debian's) with TLS in front of two gunicorn
app servers that share one PostgreSQL database and one Redis database.

Only on the PostgreSQL pass (TEST_DATABASE_URL): the servers get a fresh database of their
own, yishi_deploy_<random>, dropped at the end, and Redis database 14 (the suite's is 15),
emptied first so no page cached by an earlier run can be served. nginx's site is rendered
from deploy/nginx/yishi.conf.template by deploy/render_nginx.py, as docs/deploy.md says.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from app.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from render_nginx import render  # noqa: E402 - deploy/ is a folder of scripts, not a package

DEMO_PASSWORD = "yishi-demo-2027"
DEPLOY_REDIS_DB = 14
ENV_SAMPLE = ROOT / "deploy" / "yishi.env.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)


def env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= reads them (comments and blanks
    skipped; values are not quoted in the sample)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@dataclass
class Site:
    """Where requests go: nginx (base is its HTTPS origin, it adds the forwarded headers
    itself), or one app server directly (requests then carry what nginx would add)."""

    name: str
    base: str
    origin: str  # the origin the app sees, as its CSRF check compares the Referer with it
    direct: bool = False


@dataclass
class AppServer:
    site: Site
    process: subprocess.Popen
    log: Path

    def log_lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()


@dataclass
class Deployment:
    nginx: Site
    http_base: str  # nginx's plain HTTP port
    servers: list[AppServer]
    certificate: Path
    database_url: str
    engine: Engine
    site_conf: Path
    addresses: Iterator[str] = field(repr=False)

    def next_address(self) -> str:
        """A loopback address of its own for each client, so one test's sign-in attempts
        never count against another's (nor against an earlier run's, still in Redis)."""
        return next(self.addresses)


def _wait_until_ready(url: str, process: subprocess.Popen, log: Path, headers=None) -> None:
    probe = requests.Session()
    probe.trust_env = False  # straight to loopback, whatever proxy the environment names
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url} ended with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if probe.get(url, headers=headers, timeout=2, verify=False).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not become ready:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def deploy_database() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not base:
        pytest.skip("deploy tests run on the PostgreSQL pass only (TEST_DATABASE_URL unset)")
    url = make_url(base)
    if url.get_backend_name() != "postgresql":
        pytest.skip("deploy tests need PostgreSQL (TEST_DATABASE_URL is not)")
    name = f"yishi_deploy_{secrets.token_hex(4)}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def deploy_redis() -> Iterator[str]:
    suite = make_url(os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15")
    url = suite.set(database=str(DEPLOY_REDIS_DB)).render_as_string(hide_password=False)
    store = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        store.flushdb()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {url}: {error}")
    yield url
    store.flushdb()


def _seed(database_url: str, instance: Path) -> None:
    """The demo, as `flask --app wsgi seed-demo` makes it, written before any server starts."""
    from app import create_app
    from app.db import get_session
    from app.demo.seed import seed
    from tests.conftest import environ_for

    upgrade(database_url)
    app = create_app(environ=environ_for(instance, DATABASE_URL=database_url))
    with app.app_context():
        session = get_session()
        seed(session, password=DEMO_PASSWORD)
        session.commit()
    app.extensions["yishi.engine"].dispose()


def _certificate(folder: Path, openssl: str) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
         "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def _start_app_server(name: str, env: dict, folder: Path) -> AppServer:
    """One gunicorn with its own instance folder, as on a host of its own: nothing it
    keeps on disk is seen by the other server."""
    port = free_port()
    log = folder / f"{name}.log"
    instance = folder / f"instance-{name}"
    instance.mkdir()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
            env={**env, "YISHI_BIND": f"127.0.0.1:{port}", "YISHI_INSTANCE": str(instance)},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    return AppServer(Site(name, base, f"https://127.0.0.1:{port}", direct=True), process, log)


def _nginx_conf(folder: Path, site_conf: Path) -> Path:
    """The main nginx.conf around the rendered site, for an nginx of the test's own: its
    pid, logs and temporary files in the test's folder, one worker (so round-robin strictly
    alternates), in the foreground."""
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
    user = "user root root;" if os.geteuid() == 0 else ""  # workers must read the tmp folder
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site_conf};
}}
""")
    return conf


@pytest.fixture(scope="session")
def deployment(deploy_database, deploy_redis, tmp_path_factory) -> Iterator[Deployment]:
    nginx, openssl = nginx_binary(), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("the deploy tests need Debian's nginx and openssl "
                    "(scripts/test.sh installs nginx)")
    folder = tmp_path_factory.mktemp("deploy")
    _seed(deploy_database, folder)
    env = {**os.environ, **env_file(ENV_SAMPLE),
           "SECRET_KEY": secrets.token_hex(32),  # the same on both servers
           "DATABASE_URL": deploy_database, "REDIS_URL": deploy_redis, "YISHI_WORKERS": "2",
           "YISHI_LOGIN_RATE_LIMIT": "5 per minute"}
    servers = [_start_app_server(name, env, folder) for name in ("A", "B")]
    cert, key = _certificate(folder, openssl)
    https_port, http_port = free_port(), free_port()
    site_conf = folder / "yishi.conf"
    site_conf.write_text(render(
        server_name="127.0.0.1", apps=[s.site.base.removeprefix("http://") for s in servers],
        certificate=str(cert), certificate_key=str(key), static_root=str(ROOT / "static"),
        http_port=http_port, https_port=https_port, addresses=["127.0.0.1"],
        acme_root=str(folder / "acme")))
    proxy = subprocess.Popen(
        [nginx, "-p", str(folder), "-e", str(folder / "error.log"), "-c",
         str(_nginx_conf(folder, site_conf))],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    engine = create_engine(deploy_database)
    try:
        for server in servers:
            _wait_until_ready(server.site.base + "/readyz", server.process, server.log,
                              headers={"X-Forwarded-Proto": "https"})
        https = f"https://127.0.0.1:{https_port}"
        _wait_until_ready(https + "/healthz", proxy, folder / "error.log")
        prefix = f"127.{secrets.randbelow(200) + 20}.{secrets.randbelow(250) + 1}"
        yield Deployment(
            nginx=Site("nginx", https, https), http_base=f"http://127.0.0.1:{http_port}",
            servers=servers, certificate=cert, database_url=deploy_database, engine=engine,
            site_conf=site_conf, addresses=(f"{prefix}.{i}" for i in range(2, 250)))
    finally:
        engine.dispose()
        _stop(proxy, signal.SIGQUIT)  # nginx's graceful stop
        for server in servers:
            _stop(server.process)
