"""Benchmark: 1,000 delegates cast their ballots from concurrent clients against a running
server (gunicorn), then the 1,000 x 20 tally and its verification are timed.

Prints cast throughput (ballots per second) and p50/p99 latency of the cast request as the
clients saw it, then checks that exactly one ballot per delegate was recorded.

    .venv/bin/python benchmarks/bench_ballot_http.py                 # SQLite file
    .venv/bin/python benchmarks/bench_ballot_http.py --clients 32 --workers 4 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from votes.ballots import Ballot, CastBallot  # noqa: E402
from votes.bulletin import verify_ballot  # noqa: E402
from votes.casting import create_ballot, open_ballot  # noqa: E402
from votes.closing import close_ballot, publish_ballot  # noqa: E402
from votes.people import Assembly, Membership, Role, User, UserRole, register_user  # noqa: E402
from votes.rules import BallotRules  # noqa: E402

PASSWORD = "benchmark-password"  # noqa: S105  (throwaway accounts in a temp database)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def seed(url: str, delegates: int, options: int) -> int:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    # One hash with the app's own parameters, shared: signing in is not what is measured.
    hashed = PasswordHasher().hash(PASSWORD)
    with Session(engine) as session:
        official = register_user(session, username="teller", display_name="计票员",
                                 password_hash=hashed, roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="基准区人大", area="基准区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        session.add(assembly)
        session.flush()
        for i in range(delegates):
            user = User(username=f"d{i:04d}", display_name=f"代表{i:04d}", password_hash=hashed,
                        role_rows=[UserRole(role="delegate")])
            session.add(user)
            session.flush()
            session.add(Membership(assembly_id=assembly.id, user_id=user.id,
                                   joined_on=date(2024, 1, 1)))
        session.commit()
        ballot = create_ballot(session, official, assembly, "motion", None, "基准票决",
                               BallotRules(seats=5),
                               [{"title": f"候选项目{i + 1}", "cost": 1_000_000}
                                for i in range(options)])
        session.commit()
        open_ballot(session, official, ballot)
        session.commit()
        ballot_id = ballot.id
    engine.dispose()
    return ballot_id


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, instance: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, YISHI_ENV="development", SECRET_KEY="b" * 48, DATABASE_URL=url,
               YISHI_INSTANCE=str(instance), YISHI_LOGIN_RATE_LIMIT="100000 per minute")
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # the app's request log goes to stdout
    for _ in range(600):  # a loaded machine may take a while to load the app
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


class Delegate:
    """One client: its own cookies, signed in, ready to cast."""

    def __init__(self, base: str, username: str, ballot_id: int, option_ids: list[int]):
        self.base, self.ballot_id, self.option_ids = base, ballot_id, option_ids
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.get("/account/login")
        self.post("/account/login", {"csrf_token": TOKEN.search(page).group(1),
                                     "username": username, "password": PASSWORD})
        self.token = TOKEN.search(self.get(f"/delegate/ballots/{ballot_id}")).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.base + path, body, timeout=60) as response:
            return response.read().decode()

    def cast(self, n: int) -> float:
        marks = {f"option-{o}": ("yes", "no", "abstain")[(o + n) % 3] for o in self.option_ids}
        started = time.perf_counter()
        page = self.post(f"/delegate/ballots/{self.ballot_id}/cast",
                         {"csrf_token": self.token, **marks})
        elapsed = time.perf_counter() - started
        # The receipt page's own code: the review page, shown again when a cast is refused,
        # also carries the code the ballot would have (id="receipt-code"), and must not count.
        assert '<p class="code" id="receipt">' in page, "the cast was not recorded"
        return elapsed


def run_clients(items: list, clients: int, work) -> list:
    results, lock, index = [], threading.Lock(), iter(range(len(items)))

    def loop():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            out = work(i, items[i])
            with lock:
                results.append(out)

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--delegates", type=int, default=1000)
    parser.add_argument("--options", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="yishi-ballot-http-"))
    url = args.database_url or f"sqlite:///{instance / 'bench.db'}"
    ballot_id = seed(url, args.delegates, args.options)
    engine = make_engine(url)
    with Session(engine) as session:
        option_ids = [o.id for o in session.get(Ballot, ballot_id).options]
    port = free_port()
    server = start_server(url, instance, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        names = [f"d{i:04d}" for i in range(args.delegates)]
        started = time.perf_counter()
        people = run_clients(names, args.clients,
                             lambda i, name: Delegate(base, name, ballot_id, option_ids))
        print(f"{len(people)} delegates signed in in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        latencies = run_clients(people, args.clients, lambda i, person: person.cast(i))
        wall = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    latencies.sort()
    print(f"cast over HTTP ({url.split(':')[0]}, {args.workers} gunicorn workers, "
          f"{args.clients} clients): {len(latencies) / wall:.0f} ballots/s, "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms")
    with Session(engine) as session:
        recorded = session.scalar(select(func.count()).select_from(CastBallot))
        assert recorded == args.delegates, f"{recorded} ballots for {args.delegates} delegates"
        official = session.scalar(select(User).where(User.username == "teller"))
        ballot = session.get(Ballot, ballot_id)
        started = time.perf_counter()
        close_ballot(session, official, ballot)
        session.commit()
        counted = time.perf_counter() - started
        publish_ballot(session, official, session.get(Ballot, ballot_id))
        session.commit()
        started = time.perf_counter()
        report = verify_ballot(session, ballot_id)
        verified = time.perf_counter() - started
        assert report.ok, report.problems
    print(f"exactly {recorded} ballots recorded; close and count {args.delegates} x "
          f"{args.options}: {counted * 1000:.0f} ms; verify: {verified * 1000:.0f} ms")


if __name__ == "__main__":
    main()
