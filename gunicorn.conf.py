"""gunicorn's settings for Yishi: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`.

- Workers from the CPU count (2 × cores + 1), or YISHI_WORKERS.
- The app is loaded once in the master (preload), and jieba's dictionary is built there
  before the first fork, so every worker shares those pages copy-on-write instead of
  holding its own copy; each worker then opens its own database connections.
- Workers are recycled after a number of requests (with jitter, so they do not all restart
  at once), which bounds any slow growth of memory.
"""

import multiprocessing
import os

bind = os.environ.get("YISHI_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("YISHI_WORKERS") or 0) or multiprocessing.cpu_count() * 2 + 1
preload_app = True
max_requests = int(os.environ.get("YISHI_MAX_REQUESTS") or 2000)
max_requests_jitter = max_requests // 10
timeout = 30
graceful_timeout = 30
# The app writes its own request log (app/logs.py); gunicorn's access log would add the
# client's address and the query string, which the app's log leaves out on purpose.
accesslog = None
errorlog = "-"


def pre_fork(server, worker):
    # In the master, before each fork; only the first call does any work.
    from proposals.collection.text import warm_up

    warm_up()


def post_fork(server, worker):
    # Connections opened in the master must not be shared by the workers: each worker
    # drops its inherited pool (without closing the master's sockets) and opens its own.
    import wsgi

    wsgi.app.extensions["yishi.engine"].dispose(close=False)
