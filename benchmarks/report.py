"""Turn benchmarks/drive.py's figures into one table per database, and put it in the files
that show it (README.md, docs/benchmarks.md) between their bench markers, so none drifts.

    .venv/bin/python benchmarks/report.py sqlite.json postgresql.json \\
        --write README.md docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# The aims for each page's share of the bare endpoint's requests per second.
AIMS = {"published ballot result": 0.7, "home": 0.5, "proposal list": 0.5, "a project": 0.5,
        "cycle report": 0.5}


def replace_block(text: str, block: str) -> str:
    """`text` with what lies between START and END replaced by `block`; the rest untouched."""
    start = text.find(START)
    end = text.find(END, start + len(START)) if start >= 0 else -1
    if start < 0 or end < 0:
        raise ValueError(f"no {START} ... {END} block to replace")
    return text[:start + len(START)] + "\n" + block.strip("\n") + "\n" + text[end:]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem_kib = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                    if line.startswith("MemTotal:")), 0)
    system = next((line.split("=", 1)[1].strip().strip('"')
                   for line in _read("/etc/os-release").splitlines()
                   if line.startswith("PRETTY_NAME=")), platform.platform())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,  # noqa: S607
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_kib / 1024 / 1024:.0f} GB RAM, {system}, "
            f"Python {platform.python_version()}; {when}, commit `{commit}`")


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _ms(row: dict) -> str:
    return " | ".join(f"{row[k]:,.1f}" for k in ("p50_ms", "p95_ms", "p99_ms"))


def _aim(name: str, ratio: float) -> str:
    aim = AIMS.get(name)
    if aim is None:
        return ""
    return f"≥ {aim} {'met' if ratio >= aim else '**not met**'}"


def _troubles(run: dict, people: int) -> str:
    """What went wrong around the timed requests: failed answers, sign-ins tried again."""
    out = ""
    if run.get("failed"):
        out += f", **{run['failed']} failed**"
    missing = people - run.get("signed_in", run.get("raters", people))
    if missing > 0:
        out += f", **{missing} could not sign in**"
    if run.get("signin_retries"):
        n = run["signin_retries"]
        out += f", {n} sign-in{'s' if n > 1 else ''} tried again"
    return out


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def table(result: dict) -> str:
    seeded = result["seeded"]
    bare = result["bare"]
    bare_rps = statistics.mean(b["rps"] for b in bare)
    lines = [
        f"#### {result['database']}",
        "",
        f"{seeded['proposals']:,} proposals, {seeded['delegates']:,} delegates, "
        f"{seeded['ratings']:,} ratings (seeded in {seeded['seconds']:.0f} s); gunicorn with "
        f"{result['workers']} workers; wrk, {result['seconds']} s per run, "
        f"{result['connections']} connections.",
        "",
        "| page | requests/s | p50 ms | p95 ms | p99 ms | ratio to bare | aim |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| bare endpoint (mean of its {len(bare)} runs) | {_n(bare_rps)} | "
        f"{_ms({k: statistics.median(b[k] for b in bare) for k in ('p50_ms', 'p95_ms', 'p99_ms')})}"
        " | 1.00 | |",
    ]
    errors = 0
    for row in result["pages"]:
        errors += row["errors"]
        lines.append(f"| {row['name']} `{unquote(row['path'])}` | {_n(row['rps'])} | {_ms(row)} | "
                     f"{row['ratio']:.2f} | {_aim(row['name'], row['ratio'])} |")
    cast, rating = result["cast"], result["rating"]
    lines.append(
        f"| ballot casting: {cast['delegates']:,} delegates, {result['clients']} clients | "
        f"{_n(cast['rps'])} ballots/s | {_ms(cast)} | — | {cast['lost']} lost, "
        f"{cast['duplicates']} duplicate{_troubles(cast, cast['delegates'])}; p99 < 500 ms "
        f"{'met' if cast['p99_ms'] < 500 else '**not met**'} |")
    screens = cast.get("screens")
    if screens:
        late = screens["lag_max_s"]
        lines.append(
            f"| big screens following the casting: {screens['screens']:,}, asking every "
            f"{screens['every_s']:g} s | {screens['polls']:,} answers | — | — | — | "
            f"behind the true count by {screens['lag_p99_s']:g} s at p99, {late:g} s at most; "
            f"{screens['errors']} errors; within 2 s {'met' if late <= 2 else '**not met**'} |")
    agree = "counts agree" if rating["counts_agree"] else "**counts disagree**"
    lines.append(
        f"| rating a completed project: {rating.get('residents', rating['raters']):,} "
        f"residents | "
        f"{_n(rating['rps'])} ratings/s | {_ms(rating)} | — | {rating['stored']:,} stored, "
        f"{agree}{_troubles(rating, rating.get('residents', rating['raters']))} |")
    workers = result["memory"]["workers"]
    if workers:
        def spread(key: str) -> str:
            values = [w[key] for w in workers]
            return f"{_mib(statistics.median(values))} / {_mib(max(values))}"

        pss_max = max(w["pss_kib"] for w in workers) / 1024
        lines += [
            "",
            f"Memory per worker, MiB (median / largest of {len(workers)}): after the run "
            f"RSS {spread('rss_kib')}, PSS {spread('pss_kib')}; peak during the run "
            f"RSS {spread('peak_rss_kib')}, PSS {spread('peak_pss_kib')}. "
            f"Aim under 120 MB per worker after the run (PSS): "
            f"{'met' if pss_max < 120 else '**not met**'}.",
        ]
    if errors:
        lines += ["", f"**{errors} requests failed** (socket errors or non-2xx answers)."]
    lines += scale_table(result.get("proposals_at_scale") or {})
    return "\n".join(lines)


def scale_table(scale: dict) -> list[str]:
    """List, filter and search in-process (page cache off) at a small and the full count."""
    if len(scale) < 2:
        return []
    small, large = sorted(scale, key=int)[0], sorted(scale, key=int)[-1]
    lines = ["", f"Proposal pages in-process, page cache off (`bench_proposals.py`), "
             f"p50 / p95 ms; aim: p95 under 50 ms at {int(large):,} and within 1.5× of "
             f"{int(small):,}:", "",
             f"| page | {int(small):,} proposals | {int(large):,} proposals | p95 growth | aim |",
             "|---|---:|---:|---:|---|"]
    for name in scale[large]:
        a, b = scale[small][name], scale[large][name]
        growth = b["p95_ms"] / a["p95_ms"] if a["p95_ms"] else 0.0
        met = b["p95_ms"] < 50 and growth <= 1.5
        lines.append(f"| {name} | {a['p50_ms']:.1f} / {a['p95_ms']:.1f} | "
                     f"{b['p50_ms']:.1f} / {b['p95_ms']:.1f} | {growth:.2f}× | "
                     f"{'met' if met else '**not met**'} |")
    return lines


def render(results: list[dict], skipped: list[str], quick: bool = False) -> str:
    parts = [f"Measured with `bash scripts/bench.sh{' --quick' if quick else ''}` on "
             f"{machine()}."]
    if quick:
        parts.append("**Quick run** (small seeds, short runs): for development, not for "
                     "comparison.")
    parts += [table(r) for r in results]
    parts += [f"_{line}_" for line in skipped]
    return "\n\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="*", type=Path)
    parser.add_argument("--skipped", action="append", default=[],
                        help="a line saying what was not measured, and why")
    parser.add_argument("--write", nargs="*", type=Path, default=[])
    args = parser.parse_args()
    results = [json.loads(p.read_text()) for p in args.results]
    block = render(results, args.skipped, quick=any(r.get("quick") for r in results))
    print(block)
    for path in args.write:
        path.write_text(replace_block(path.read_text(), block))
        print(f"wrote the table into {path}")


if __name__ == "__main__":
    main()
