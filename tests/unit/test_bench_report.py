"""The benchmark's table writer (benchmarks/report.py): it replaces only its own block, and the
README and docs/benchmarks.md show the same table."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "report.py")
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

DOC = """# Title

Hand-written text before, with a <!-- comment --> of its own.

<!-- bench:start -->
| old | table |
<!-- bench:end -->

Text after, kept: <!-- bench:end --> appears again here.
"""


def timing(rps: float, **extra) -> dict:
    return {"rps": rps, "p50_ms": 5.0, "p95_ms": 9.0, "p99_ms": 12.0, "requests": 100,
            "errors": 0, **extra}


def sample_result() -> dict:
    return {
        "database": "SQLite 3.40.1", "workers": 5, "seconds": 10, "connections": 8,
        "clients": 16, "quick": False,
        "seeded": {"proposals": 100_000, "delegates": 1_000, "ratings": 1_000_000,
                   "seconds": 120.0},
        "bare": [timing(1000.0), timing(1200.0)],
        "pages": [timing(800.0, name="published ballot result", path="/ballots/1",
                          ratio=0.8),
                  timing(300.0, name="home", path="/", ratio=0.3)],
        "cast": timing(120.0, delegates=1_000, lost=0, duplicates=0),
        "rating": timing(40.0, raters=200, stored=200, counts_agree=True),
        "memory": {"workers": [{"pid": 1, "rss_kib": 150 * 1024, "peak_rss_kib": 200 * 1024,
                                "pss_kib": 80 * 1024, "peak_pss_kib": 90 * 1024}],
                   "master": {}},
    }


def test_the_block_between_the_markers_is_replaced_and_nothing_else():
    out = report.replace_block(DOC, "| new | table |\n")
    before, _, rest = DOC.partition(report.START)
    assert out.startswith(before + report.START + "\n| new | table |\n" + report.END)
    assert "| old | table |" not in out
    assert out.endswith(DOC[DOC.index(report.END) + len(report.END):])
    assert report.replace_block(out, "| new | table |") == out  # running again changes nothing


def test_a_file_without_the_markers_is_refused():
    with pytest.raises(ValueError):
        report.replace_block("# no block here\n", "| table |")
    with pytest.raises(ValueError):
        report.replace_block(f"{report.START} but no end", "| table |")


def test_the_table_gives_each_page_its_ratio_and_says_whether_the_aim_is_met():
    table = report.table(sample_result())
    assert "| bare endpoint (mean of its 2 runs) | 1,100 |" in table
    assert "| published ballot result `/ballots/1` | 800 | 5.0 | 9.0 | 12.0 | 0.80 | ≥ 0.7 met |" \
        in table
    assert "| home `/` | 300 | 5.0 | 9.0 | 12.0 | 0.30 | ≥ 0.5 **not met** |" in table
    assert "0 lost, 0 duplicate" in table
    assert "200 stored, counts agree" in table
    assert "PSS 80 / 80" in table


def test_the_command_writes_one_block_into_every_file(tmp_path, monkeypatch):
    results = tmp_path / "sqlite.json"
    results.write_text(json.dumps(sample_result()))
    readme, doc = tmp_path / "README.md", tmp_path / "benchmarks.md"
    readme.write_text(DOC)
    doc.write_text("# Benchmarks\n\n" + report.START + "\n" + report.END + "\n\nMethod.\n")
    monkeypatch.setattr("sys.argv", ["report.py", str(results), "--skipped", "No PostgreSQL.",
                                     "--write", str(readme), str(doc)])
    report.main()
    assert block_of(readme.read_text()) == block_of(doc.read_text())
    assert "SQLite 3.40.1" in block_of(doc.read_text())
    assert "_No PostgreSQL._" in block_of(doc.read_text())
    assert readme.read_text().startswith("# Title\n\nHand-written text before")
    assert doc.read_text().endswith("\n\nMethod.\n")


def block_of(text: str) -> str:
    return text.split(report.START, 1)[1].split(report.END, 1)[0]


def test_the_readme_and_the_benchmarks_page_show_the_same_table():
    readme = (ROOT / "README.md").read_text()
    page = (ROOT / "docs" / "benchmarks.md").read_text()
    assert block_of(readme).strip(), "the README's benchmark block is empty"
    assert block_of(readme) == block_of(page)


def test_the_proposal_pages_are_compared_at_both_counts():
    result = sample_result()
    result["proposals_at_scale"] = {
        "1000": {"list": {"p50_ms": 4.0, "p95_ms": 5.0}, "search": {"p50_ms": 5, "p95_ms": 6}},
        "100000": {"list": {"p50_ms": 6.0, "p95_ms": 7.0}, "search": {"p50_ms": 9, "p95_ms": 12}},
    }
    table = report.table(result)
    assert "| list | 4.0 / 5.0 | 6.0 / 7.0 | 1.40× | met |" in table
    assert "| search | 5.0 / 6.0 | 9.0 / 12.0 | 2.00× | **not met** |" in table


def test_failures_around_the_timed_requests_are_said():
    result = sample_result()
    result["cast"].update(failed=2, signed_in=998, signin_retries=3)
    table = report.table(result)
    assert ("0 lost, 0 duplicate, **2 failed**, **2 could not sign in**, "
            "3 sign-ins tried again") in table


def test_the_big_screens_lag_is_said_against_the_two_second_aim():
    result = sample_result()
    result["cast"]["screens"] = {"screens": 200, "polls": 9000, "errors": 0, "lag_p99_s": 1.6,
                                 "lag_max_s": 1.9, "every_s": 1.5, "ahead": 0}
    table = report.table(result)
    row = next(line for line in table.splitlines() if "big screens" in line)
    assert "200, asking every 1.5 s" in row and "1.6 s at p99, 1.9 s at most" in row
    assert "within 2 s met" in row
    result["cast"]["screens"]["lag_max_s"] = 3.4
    assert "within 2 s **not met**" in report.table(result)
    del result["cast"]["screens"]  # a run from before the screens were measured
    assert "big screens" not in report.table(result)


def test_a_screen_s_lag_is_the_age_of_the_oldest_cast_it_had_not_shown_when_replaced():
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from screens import Screens

    screens = Screens("http://127.0.0.1:9", 1, 2)
    # (answered at, count shown): the first screen falls 0.5 s then 1.0 s behind; the
    # second 0.1 s then 0.6 s.
    screens.answers = [[(0.0, 0), (1.5, 1), (3.0, 2)], [(0.2, 0), (1.1, 1), (2.6, 2)]]
    got = screens.finish([1.0, 2.0])
    assert got["lag_max_s"] == 1.0 and got["polls"] == 6 and got["ahead"] == 0
