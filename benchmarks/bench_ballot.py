"""Benchmark: count 1,000 ballots x 20 candidates, verify the bulletin, cast from 8 threads.

Prints, in milliseconds unless said otherwise:
  - votes.rules.tally over 1,000 random YNA ballots on 20 candidates (median of 5 runs);
  - 1,000 cast_ballot calls (each its own Session and commit) from 8 threads: throughput and
    p50/p99 latency, through the service layer, on a SQLite file by default;
  - closing (count + re-ordering), publishing (bulletin), verify_ballot (database-backed),
    check_bulletin and the standalone scripts/verify_bulletin.py on the same bulletin.

    .venv/bin/python benchmarks/bench_ballot.py
    .venv/bin/python benchmarks/bench_ballot.py --database-url \\
        postgresql+psycopg://postgres@127.0.0.1/bench      # the database is emptied first
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from votes.ballots import Ballot, BallotKeyShare  # noqa: E402
from votes.bulletin import check_bulletin, published_bulletin, verify_ballot  # noqa: E402
from votes.casting import cast_ballot, create_ballot, open_ballot  # noqa: E402
from votes.closing import close_ballot, publish_ballot  # noqa: E402
from votes.people import Assembly, Membership, Role, User, register_user  # noqa: E402
from votes.rules import BallotRules, CandidateInput, tally  # noqa: E402

NO_LOGIN = "!"  # not a hash any password matches: benchmark accounts cannot sign in
TELLER_PASSPHRASE = "benchmark teller passphrase"  # noqa: S105 - a benchmark's own ballot
_spec = importlib.util.spec_from_file_location("verify_bulletin",
                                               ROOT / "scripts" / "verify_bulletin.py")
standalone = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(standalone)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def timed(call, repeat: int = 1):
    runs, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = call()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), value


def random_marks(rng: random.Random, ids: list[int]) -> dict[int, str]:
    return {cid: m for cid in ids if (m := rng.choice(["yes", "yes", "no", None]))}


def bench_pure_tally(ballots: int, candidates: int) -> None:
    rng = random.Random(1)
    ids = list(range(1, candidates + 1))
    rules = BallotRules(seats=10, budget_cap=10_000)
    cands = [CandidateInput(cid, rng.randint(100, 2000)) for cid in ids]
    marks = [random_marks(rng, ids) for _ in range(ballots)]
    took, _ = timed(lambda: tally(rules, cands, marks, ballots, ballots), repeat=5)
    print(f"tally {ballots} ballots x {candidates} candidates (pure)   {ms(took)}")


def prepare(url: str, voters: int, candidates: int) -> tuple:
    engine = make_engine(url, **({} if url.startswith("sqlite") else {"pool_size": 16}))
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    with Session(engine, expire_on_commit=False) as s:
        official = register_user(s, username="bench", display_name="基准",
                                 password_hash=NO_LOGIN, roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="congress", name="基准区人大", area="基准区",
                            term_start=date(2024, 1, 1), term_end=date(2028, 12, 31))
        people = [User(username=f"d{i}", display_name=f"代表{i}", password_hash=NO_LOGIN)
                  for i in range(voters)]
        s.add_all([assembly, *people])
        s.flush()
        s.add_all(Membership(assembly_id=assembly.id, user_id=p.id, joined_on=date(2024, 1, 1))
                  for p in people)
        ballot = create_ballot(
            s, official, assembly, "cycle", 1, "基准票决", BallotRules(seats=10, budget_cap=10_000),
            [{"title": f"项目{i}", "cost": 100 + 37 * i} for i in range(candidates)])
        # Sealed for two tellers, as every secret cycle ballot is: casting seals, closing opens.
        second = register_user(s, username="bench-teller", display_name="监票人",
                               password_hash=NO_LOGIN, roles=(Role.OFFICIAL,))
        open_ballot(s, official, ballot, on=date(2027, 3, 1),
                    tellers=[(official, TELLER_PASSPHRASE), (second, TELLER_PASSPHRASE)])
        s.commit()
        return engine, official, ballot.id, [p.id for p in people], [o.id for o in ballot.options]


def bench_casting(engine, ballot_id: int, voter_ids: list[int], ids: list[int], threads: int):
    work: queue.Queue = queue.Queue()
    rng = random.Random(2)
    for voter_id in voter_ids:
        work.put((voter_id, random_marks(rng, ids)))
    latencies: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            try:
                voter_id, marks = work.get_nowait()
            except queue.Empty:
                return
            started = time.perf_counter()
            with Session(engine, expire_on_commit=False) as s:
                voter = s.get(User, voter_id)
                s.commit()
                cast_ballot(s, ballot_id, voter, marks)
                s.commit()
            with lock:
                latencies.append(time.perf_counter() - started)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"cast {len(latencies)} ballots from {threads} threads ({engine.dialect.name})"
          f"   {len(latencies) / wall:7.0f} ballots/s   p50 {ms(statistics.median(latencies))}"
          f"   p99 {ms(p99)}")


def bench_after(engine, official, ballot_id: int) -> None:
    with Session(engine, expire_on_commit=False) as s:
        ballot = s.get(Ballot, ballot_id)
        s.commit()
        unlock = {teller_id: TELLER_PASSPHRASE for teller_id in s.scalars(
            select(BallotKeyShare.teller_id).where(BallotKeyShare.ballot_id == ballot_id))}
        s.commit()
        took, _ = timed(lambda: close_ballot(s, official, ballot, unlock=unlock))
        s.commit()
        print(f"close_ballot (unseal + count + re-order)       {ms(took)}")
        took, _ = timed(lambda: publish_ballot(s, official, ballot))
        s.commit()
        print(f"publish_ballot (build bulletin)                {ms(took)}")
        took, report = timed(lambda: verify_ballot(s, ballot_id), repeat=3)
        assert report.ok, report.problems
        print(f"verify_ballot (database-backed)                {ms(took)}")
        raw = published_bulletin(s, ballot_id)
    doc = json.loads(raw)
    took, problems = timed(lambda: check_bulletin(doc), repeat=5)
    assert problems == []
    print(f"check_bulletin (project rules engine)          {ms(took)}")
    took, problems = timed(lambda: standalone.verify(doc), repeat=5)
    assert problems == []
    print(f"scripts/verify_bulletin.verify (stdlib only)   {ms(took)}")
    print(f"bulletin.json size                             {len(raw.encode()) / 1024:9.1f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp directory")
    parser.add_argument("--ballots", type=int, default=1000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    bench_pure_tally(args.ballots, args.candidates)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine, official, ballot_id, voters, ids = prepare(url, args.ballots, args.candidates)
        bench_casting(engine, ballot_id, voters, ids, args.threads)
        bench_after(engine, official, ballot_id)
        engine.dispose()


if __name__ == "__main__":
    main()
