"""gunicorn's settings for Yishi: `.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`.

- Workers from the CPU count (2 × cores + 1), or YISHI_WORKERS.
- The app is loaded once in the master (preload), and what workers would build lazily
  (jieba's dictionary, the mappers, the templates, both languages: app/warm.py) is built
  there before the first fork, so every worker shares those pages copy-on-write instead of
  holding its own copy; each worker then opens its own database connections.
- The garbage collector is off while the master loads and its objects are frozen before
  each fork (Python's advice for fork without exec), so a worker's collections do not copy
  the shared pages; workers collect as usual.
- Workers are recycled after a number of requests (with jitter, so they do not all restart
  at once), which bounds any slow growth of memory.
"""

import gc
import multiprocessing
import os

gc.disable()  # in the master, from here until the fork: no freed holes in shared pages

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


_warmed = False


def pre_fork(server, worker):
    # In the master, before each fork; the first call builds, every call freezes.
    global _warmed
    if not _warmed:
        import wsgi
        from app.warm import warm_up

        warm_up(wsgi.app)
        _warmed = True
    gc.freeze()
    gc.enable()  # the master's own loop collects; each fork freezes what it made again


def post_fork(server, worker):
    # Connections opened in the master must not be shared by the workers: each worker
    # drops its inherited pool (without closing the master's sockets) and opens its own.
    import wsgi

    wsgi.app.extensions["yishi.engine"].dispose(close=False)
