#!/usr/bin/env bash
# Set everything up, load the demo on first run, and serve Yishi on http://127.0.0.1:5000
# with its notices delivered beside it: by the RQ worker when REDIS_URL is set, else inline
# every 10 seconds. Without SMTP_URL / SMS_URL, emails and text messages are printed here.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
.venv/bin/flask --app wsgi seed-demo --if-empty
export YISHI_BASE_URL=${YISHI_BASE_URL:-http://127.0.0.1:${PORT:-5000}}  # notices' links
if [ -n "${REDIS_URL:-}" ]; then
  .venv/bin/flask --app wsgi notices worker &
else
  .venv/bin/flask --app wsgi notices deliver --every 10 &
fi
notices=$!
echo "Yishi: http://127.0.0.1:5000  (demo accounts: see README; password yishi-demo-2027)"
.venv/bin/flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}" &
web=$!
# Ctrl+C or a TERM stops both; the notices stop when the web server does.
trap 'kill "$web" "$notices" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
wait "$web"
