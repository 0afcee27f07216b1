"""Benchmark one database under gunicorn: seed at scale, drive each page with wrk beside the
bare endpoint, cast and rate over HTTP, measure the workers' memory; write the figures as JSON.

    .venv/bin/python benchmarks/drive.py sqlite:////tmp/b/bench.db --out sqlite.json
    .venv/bin/python benchmarks/drive.py postgresql+psycopg://postgres@127.0.0.1/yishi_bench \\
        --out postgresql.json --quick

scripts/bench.sh runs it on SQLite and PostgreSQL, then benchmarks/report.py prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_ballot_http import TOKEN, Delegate, free_port, run_clients  # noqa: E402
from bench_proposals import run as time_proposal_pages  # noqa: E402
from gunicorn_bench import BARE_PATH  # noqa: E402
from screens import Screens  # noqa: E402
from seed_scale import seed  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.db import make_engine  # noqa: E402
from proposals.evaluation.models import Rating, RatingCount  # noqa: E402
from votes.ballots import Ballot, CastBallot, VoterRecord  # noqa: E402

WRK_SCRIPT = ROOT / "benchmarks" / "wrk_report.lua"


def pages(seeded: dict) -> list[tuple[str, str]]:
    search = urllib.parse.quote("加装电梯")
    return [
        ("home", "/"),
        ("proposal list", "/proposals"),
        ("Chinese search", f"/proposals?q={search}"),
        ("a proposal", f"/proposals/{seeded['proposal']}"),
        ("published ballot result", f"/ballots/{seeded['published_ballot']}"),
        ("a project", f"/projects/{seeded['projects'][0]}"),
        ("cycle report", f"/cycles/{seeded['cycle']}/report"),
    ]


def start_server(url: str, instance: Path, port: int, workers: int | None) -> subprocess.Popen:
    # Production's settings but for its secure-only cookies and HTTPS redirect, which plain
    # HTTP on loopback cannot carry (the delegates' sessions would be lost): development
    # differs from production in nothing else (app/config.py) once SECRET_KEY is given.
    env = dict(os.environ, YISHI_ENV="development", SECRET_KEY="b" * 48,
               DATABASE_URL=url, YISHI_INSTANCE=str(instance), YISHI_BIND=f"127.0.0.1:{port}",
               # Sign-in is not what is measured: a thousand delegates sign in from one address.
               YISHI_LOGIN_RATE_LIMIT="1000000 per minute",
               YISHI_ACCOUNT_RATE_LIMIT="1000000 per minute",
               # No recycling during the run, so the memory figure is a worker's worst case.
               YISHI_MAX_REQUESTS="100000000")
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    if workers:
        env["YISHI_WORKERS"] = str(workers)
    log = open(instance / "gunicorn.log", "wb")  # noqa: SIM115 - the server's lifetime
    server = subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "benchmarks/gunicorn_bench.py",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{BARE_PATH}", timeout=1)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"gunicorn did not start; see {instance / 'gunicorn.log'}")


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def memory_of(pid: int) -> dict[str, int]:
    """RSS, its peak (VmHWM) and PSS in KiB; PSS shares preload's copy-on-write pages fairly."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        return {}
    return out


class MemoryWatch(threading.Thread):
    """Samples every worker's PSS while the benchmark runs; keeps each one's peak."""

    def __init__(self, master: int):
        super().__init__(daemon=True)
        self.master, self.peak_pss, self.stopped = master, {}, threading.Event()

    def run(self):
        while not self.stopped.wait(1.0):
            for pid in workers_of(self.master):
                pss = memory_of(pid).get("Pss", 0)
                self.peak_pss[pid] = max(self.peak_pss.get(pid, 0), pss)

    def report(self) -> dict:
        self.stopped.set()
        final = {pid: memory_of(pid) for pid in workers_of(self.master)}
        return {"workers": [
            {"pid": pid, "rss_kib": m.get("VmRSS", 0), "peak_rss_kib": m.get("VmHWM", 0),
             "pss_kib": m.get("Pss", 0),
             "peak_pss_kib": max(self.peak_pss.get(pid, 0), m.get("Pss", 0))}
            for pid, m in sorted(final.items())],
            "master": memory_of(self.master)}


def wrk(base: str, path: str, seconds: int, connections: int) -> dict:
    # Warm the page first (jieba, the page cache): a run measures serving, not the first view.
    with urllib.request.urlopen(base + path, timeout=60) as response:  # noqa: S310
        assert response.status == 200, (path, response.status)
    run = subprocess.run(  # noqa: S603
        [shutil.which("wrk") or "wrk", "-t2", f"-c{connections}", f"-d{seconds}s",
         "--timeout", "10s", "-s", str(WRK_SCRIPT), base + path],
        capture_output=True, text=True, check=True)
    line = next(x for x in run.stdout.splitlines() if x.startswith("BENCH "))
    got = json.loads(line[len("BENCH "):])
    return {"rps": got["requests"] / (got["duration_us"] / 1e6),
            "p50_ms": got["p50_us"] / 1000, "p95_ms": got["p95_us"] / 1000,
            "p99_ms": got["p99_us"] / 1000, "requests": got["requests"],
            "errors": got["socket_errors"] + got["status_errors"]}


def drive_pages(base: str, seeded: dict, seconds: int, connections: int) -> tuple[list, list]:
    """Bare, page, bare, page, ..., bare: each page's ratio is to the mean of the bare runs
    just before and after it, so a neighbour's load on the machine falls on both."""
    bare = [wrk(base, BARE_PATH, seconds, connections)]
    rows = []
    for name, path in pages(seeded):
        got = wrk(base, path, seconds, connections)
        bare.append(wrk(base, BARE_PATH, seconds, connections))
        beside = (bare[-2]["rps"] + bare[-1]["rps"]) / 2
        rows.append({"name": name, "path": path, **got, "ratio": got["rps"] / beside})
        print(f"  {name:<30}{got['rps']:8.0f} req/s  p99 {got['p99_ms']:7.1f} ms  "
              f"ratio {got['rps'] / beside:.2f}", flush=True)
    return rows, bare


def percentiles(latencies: list[float], wall: float) -> dict:
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[max(0, int(len(ordered) * q) - 1)] * 1000

    return {"rps": len(ordered) / wall, "p50_ms": statistics.median(ordered) * 1000,
            "p95_ms": at(0.95), "p99_ms": at(0.99), "requests": len(ordered)}


class Tally:
    """Failures counted across client threads (a failed request must not vanish in a thread)."""

    def __init__(self):
        self.lock, self.retries, self.failures = threading.Lock(), 0, []

    def signed_in(self, make, attempts: int = 5):
        # Signing in is not what is measured; on SQLite a sign-in can time out waiting for
        # the single writer (see the report), so it is tried again and the retries counted.
        for attempt in range(attempts):
            try:
                return make()
            except (OSError, AttributeError, AssertionError):
                if attempt == attempts - 1:
                    raise
                with self.lock:
                    self.retries += 1

    def timed(self, act):
        try:
            return act()
        except (OSError, AssertionError) as exc:
            with self.lock:
                self.failures.append(repr(exc)[:200])
            return None


def cast(base: str, engine, seeded: dict, clients: int, screens: int) -> dict:
    """The delegates cast from `clients` threads while `screens` big screens follow."""
    ballot_id = seeded["open_ballot"]
    with Session(engine) as session:
        option_ids = [o.id for o in session.get(Ballot, ballot_id).options]
    names = [f"d{i:04d}" for i in range(seeded["delegates"])]
    tally = Tally()
    people = run_clients(names, clients, lambda i, name: tally.signed_in(
        lambda: Delegate(base, name, ballot_id, option_ids)))
    following = Screens(base, ballot_id, screens)
    following.start()
    time.sleep(following.every)  # every screen has asked once before the first cast
    cast_at: list[float] = []

    def one(i: int, person) -> float | None:
        took = tally.timed(lambda: person.cast(i))
        if took is not None:
            with tally.lock:
                cast_at.append(time.monotonic())
        return took

    started = time.perf_counter()
    answers = run_clients(people, clients, one)
    latencies = [t for t in answers if t is not None]
    got = percentiles(latencies, time.perf_counter() - started)
    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(CastBallot)
                                .where(CastBallot.ballot_id == ballot_id))
        voters = session.scalar(select(func.count(func.distinct(VoterRecord.user_id)))
                                .where(VoterRecord.ballot_id == ballot_id))
    # Lost: a delegate shown a receipt whose ballot is not stored. Duplicate: more ballots
    # stored than delegates who voted. Failed: a cast answered with an error.
    got.update(delegates=len(names), signed_in=len(people), receipts=len(latencies),
               stored=stored, voters=voters, lost=max(0, len(latencies) - stored),
               duplicates=max(0, stored - voters), failed=len(tally.failures),
               failures=tally.failures[:5], signin_retries=tally.retries)
    time.sleep(following.every * 2)  # the screens' answers after the last cast
    got["screens"] = following.finish(cast_at)
    return got


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 after a rating is the answer we time; not the page after it


class Resident(Delegate):
    """One resident, signed in, who rates a completed project once."""

    def __init__(self, base: str, username: str, project_id: int, password: str):
        self.base, self.project_id = base, project_id
        jar = urllib.request.HTTPCookieProcessor()
        self.opener = urllib.request.build_opener(jar)
        page = self.get("/account/login")
        self.post("/account/login", {"csrf_token": TOKEN.search(page).group(1),
                                     "username": username, "password": password})
        self.token = TOKEN.search(self.get(f"/resident/evaluation/{project_id}")).group(1)
        self.rater = urllib.request.build_opener(jar, NoRedirect())

    def rate(self, n: int) -> float:
        level = ("satisfied", "basically_satisfied", "dissatisfied")[n % 3]
        body = urllib.parse.urlencode({"csrf_token": self.token, "level": level})
        started = time.perf_counter()
        try:
            self.rater.open(f"{self.base}/resident/evaluation/{self.project_id}",
                            body.encode(), timeout=60)
            raise AssertionError("the rating was not accepted (no redirect)")
        except urllib.error.HTTPError as answer:
            assert answer.code == 302, answer.code
        return time.perf_counter() - started


def rate(base: str, engine, seeded: dict, clients: int) -> dict:
    with Session(engine) as session:
        before = session.scalar(select(func.count()).select_from(Rating))
    projects = seeded["projects"]
    tally = Tally()
    people = run_clients(seeded["raters"], clients, lambda i, name: tally.signed_in(
        lambda: Resident(base, name, projects[i % len(projects)], seeded["password"])))
    started = time.perf_counter()
    answers = run_clients(people, clients, lambda i, person: tally.timed(lambda: person.rate(i)))
    latencies = [t for t in answers if t is not None]
    got = percentiles(latencies, time.perf_counter() - started)
    with Session(engine) as session:
        after = session.scalar(select(func.count()).select_from(Rating))
        counted = session.scalar(select(func.sum(RatingCount.n)))
    got.update(residents=len(seeded["raters"]), raters=len(people), accepted=len(latencies),
               stored=after - before, counts_agree=counted == after, failed=len(tally.failures),
               failures=tally.failures[:5], signin_retries=tally.retries)
    return got


def proposals_at_scale(url: str, instance: Path, counts: tuple[int, ...], requests: int) -> dict:
    """List, filter and search in-process with the page cache off, at each count: the aim is
    that 100,000 proposals cost no more than 1.5 times 1,000. Reseeds (the server is down)."""
    out = {}
    for count in counts:
        target = (f"sqlite:///{instance / f'proposals-{count}.db'}" if url.startswith("sqlite")
                  else url)
        _, timings = time_proposal_pages(target, count, requests, instance)
        out[str(count)] = {name: {"p50_ms": p50, "p95_ms": p95}
                           for name, (p50, p95) in timings.items()}
        print(f"  {count:,} proposals: " + ", ".join(
            f"{name} p95 {t['p95_ms']:.1f} ms" for name, t in out[str(count)].items()),
            flush=True)
    return out


def database_name(engine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with engine.connect() as conn:
        return "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar().split()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true",
                        help="small seeds and 3-second runs, for development")
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--clients", type=int, default=16, help="casting and rating clients")
    parser.add_argument("--screens", type=int, help="big screens following the casting "
                        "(default 200; 20 with --quick)")
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's")
    args = parser.parse_args()
    sizes = ((10_000, 100, 100_000, 50) if args.quick else (100_000, 1_000, 1_000_000, 100))
    seconds = args.seconds or (3 if args.quick else 8)  # 8 s: the whole command in 15 minutes
    instance = Path(tempfile.mkdtemp(prefix="yishi-bench-"))
    print(f"[{time.strftime('%H:%M:%S')}] seeding {sizes[0]:,} proposals, {sizes[1]:,} "
          f"delegates, {sizes[2]:,} ratings...", flush=True)
    seeded = seed(args.database_url, *sizes)
    print(f"  seeded in {seeded['seconds']} s", flush=True)
    engine = make_engine(args.database_url)
    port = free_port()
    server = start_server(args.database_url, instance, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    watch = MemoryWatch(server.pid)
    watch.start()
    try:
        print(f"[{time.strftime('%H:%M:%S')}] gunicorn on port {port}; {seconds} s runs, "
              f"{args.connections} connections", flush=True)
        rows, bare = drive_pages(base, seeded, seconds, args.connections)
        print(f"[{time.strftime('%H:%M:%S')}] casting...", flush=True)
        casting = cast(base, engine, seeded, args.clients,
                       args.screens or (20 if args.quick else 200))
        print(f"  {casting['requests']} ballots, p99 {casting['p99_ms']:.0f} ms, "
              f"lost {casting['lost']}, duplicates {casting['duplicates']}", flush=True)
        print(f"[{time.strftime('%H:%M:%S')}] rating...", flush=True)
        rating = rate(base, engine, seeded, args.clients)
        memory = watch.report()
        workers = len(memory["workers"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    database = database_name(engine)
    engine.dispose()
    print(f"[{time.strftime('%H:%M:%S')}] proposal pages in-process at two scales...",
          flush=True)
    scale = proposals_at_scale(args.database_url, instance,
                               (1_000, sizes[0]), 50 if args.quick else 100)
    result = {"database": database, "workers": workers, "seconds": seconds,
              "connections": args.connections, "clients": args.clients, "quick": args.quick,
              "seeded": {k: seeded[k] for k in ("proposals", "delegates", "ratings", "seconds")},
              "pages": rows, "bare": bare, "cast": casting, "rating": rating, "memory": memory,
              "proposals_at_scale": scale}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    shutil.rmtree(instance, ignore_errors=True)  # the SQLite files and the server's log


if __name__ == "__main__":
    main()
