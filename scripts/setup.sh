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

# Translations are compiled here, never committed.
.venv/bin/pybabel compile --statistics -d app/translations 2>&1 | grep -v '^$' || true

# plotly.js comes from the pinned plotly package, so the server never needs a CDN.
mkdir -p static/vendor
cp .venv/lib/python3*/site-packages/plotly/package_data/plotly.min.js static/vendor/plotly.min.js

# The test suite builds its own databases; the app's is migrated for running it.
if [ "${YISHI_SETUP_DB:-1}" != 0 ]; then
  .venv/bin/flask --app wsgi db upgrade
fi
