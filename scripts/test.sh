#!/usr/bin/env bash
# Set up and run the whole test suite: lint, then pytest on SQLite and, when
# TEST_DATABASE_URL is set, again on PostgreSQL. Installs Debian's chromium for the
# browser tests when it is missing (Playwright drives it; no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's chromium for the browser tests..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
# Chinese text in screenshots of the browser tests needs a CJK font, or it shows as boxes.
if ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's fonts-noto-cjk for the browser tests..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends fonts-noto-cjk >/dev/null
fi
# The deploy tests (tests/deploy, on the PostgreSQL pass) put Debian's nginx in front of two
# app servers.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's nginx for the deploy tests..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi
export YISHI_CHROMIUM=${YISHI_CHROMIUM:-$(command -v chromium)}

YISHI_SETUP_DB=0 bash scripts/setup.sh requirements-dev.txt

.venv/bin/ruff check .

echo "== tests on SQLite =="
env -u TEST_DATABASE_URL .venv/bin/python -m pytest -q "$@"

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== tests on PostgreSQL ($TEST_DATABASE_URL) =="
  .venv/bin/python -m pytest -q "$@"
fi
