#!/usr/bin/env bash
# Prepare a checkout: virtual environment, pinned requirements, compiled catalogs,
# vendored plotly.js and the database schema. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
REQUIREMENTS=${1:-requirements.txt}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Yishi needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv || {
    echo "Could not create a virtual environment; on Debian/Ubuntu: apt-get install python3-venv" >&2
    exit 1
  }
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"

# The official documents (公文) are PDFs drawn by WeasyPrint, which needs Debian's pango and a
# CJK font (app/documents/). grep -c reads to the end, so no SIGPIPE trips pipefail.
pango=$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep -c 'libpangoft2-1.0.so.0' || true)
cjk=$(fc-list 2>/dev/null | grep -ci 'Noto Serif CJK' || true)
if [ "${pango:-0}" -eq 0 ] || [ "${cjk:-0}" -eq 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's pango and fonts-noto-cjk for the official documents (PDF)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk >/dev/null
fi

# Translations are compiled here, never committed.
.venv/bin/pybabel compile --statistics -d app/translations 2>&1 | grep -v '^$' || true

# plotly.js comes from the pinned plotly package, so the server never needs a CDN.
mkdir -p static/vendor
cp .venv/lib/python3*/site-packages/plotly/package_data/plotly.min.js static/vendor/plotly.min.js

# The test suite builds its own databases; the app's is migrated for running it.
if [ "${YISHI_SETUP_DB:-1}" != 0 ]; then
  .venv/bin/flask --app wsgi db upgrade
fi
