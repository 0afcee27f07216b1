#!/usr/bin/env bash
# Set everything up, load the demo on first run, and serve Yishi on http://127.0.0.1:5000
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
.venv/bin/flask --app wsgi seed-demo --if-empty
echo "Yishi: http://127.0.0.1:5000  (demo accounts: see README; password yishi-demo-2027)"
exec .venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
