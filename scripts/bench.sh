#!/usr/bin/env bash
# The benchmark in one command: seeds a city's worth of data (100,000 proposals, 1,000
# delegates, 1,000,000 ratings) into a fresh SQLite file and a fresh PostgreSQL database,
# serves it with gunicorn on loopback, drives every main page with wrk beside a bare
# endpoint, casts and rates over HTTP, and writes the table into README.md and
# docs/benchmarks.md. About 10-15 minutes on 2 cores.
#
#   bash scripts/bench.sh                 # SQLite and PostgreSQL, full scale
#   bash scripts/bench.sh --quick         # small seeds, 3 s runs (development)
#   bash scripts/bench.sh --sqlite-only
#
# PostgreSQL: BENCH_DATABASE_URL, or else a database yishi_bench created on
# 127.0.0.1:5432 (user postgres, trust). Its schema is dropped and made again.
# BENCH_REDIS_URL, when set, is the app's REDIS_URL (shared page cache and limits).
# Installs Debian's wrk when it is missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=""
SQLITE_ONLY=0
WRITE=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK="--quick" ;;
    --sqlite-only) SQLITE_ONLY=1 ;;
    --no-write) WRITE=0 ;;
    *) echo "usage: bash scripts/bench.sh [--quick] [--sqlite-only] [--no-write]" >&2; exit 2 ;;
  esac
done

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's wrk for the benchmark..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
[ -x .venv/bin/gunicorn ] || YISHI_SETUP_DB=0 bash scripts/setup.sh
PY=.venv/bin/python
# Compiled catalogs: the pages are measured in Chinese, as most readers see them.
[ -f app/translations/zh_Hans/LC_MESSAGES/messages.mo ] ||
  .venv/bin/pybabel compile -q -d app/translations

WORK=$(mktemp -d /tmp/yishi-bench-run.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
RESULTS=()
SKIPPED=()

echo "== SQLite =="
$PY benchmarks/drive.py "sqlite:///$WORK/bench.db" --out "$WORK/sqlite.json" $QUICK
RESULTS+=("$WORK/sqlite.json")

if [ "$SQLITE_ONLY" -eq 0 ]; then
  PG_URL=${BENCH_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/yishi_bench}
  if $PY - "$PG_URL" <<'EOF'
import sys
import psycopg
from sqlalchemy.engine import make_url
url = make_url(sys.argv[1])
try:
    with psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                         password=url.password, dbname="postgres", autocommit=True,
                         connect_timeout=3) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              (url.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{url.database}"')
except psycopg.Error as exc:
    print(f"PostgreSQL not reachable at {url.host}:{url.port or 5432}: {exc}".strip())
    sys.exit(1)
EOF
  then
    echo "== PostgreSQL =="
    $PY benchmarks/drive.py "$PG_URL" --out "$WORK/postgresql.json" $QUICK
    RESULTS+=("$WORK/postgresql.json")
  else
    echo "Skipping PostgreSQL: not reachable (set BENCH_DATABASE_URL to use another)."
    SKIPPED+=(--skipped "PostgreSQL was not measured: not reachable at ${PG_URL#*@}.")
  fi
else
  SKIPPED+=(--skipped "PostgreSQL was not measured in this run (--sqlite-only).")
fi

echo
TARGETS=()
[ "$WRITE" -eq 1 ] && TARGETS=(--write README.md docs/benchmarks.md)
$PY benchmarks/report.py "${RESULTS[@]}" "${SKIPPED[@]}" "${TARGETS[@]}"
