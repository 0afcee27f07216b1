"""gunicorn settings for scripts/bench.sh: the app's own (gunicorn.conf.py), plus a bare endpoint.

The bare endpoint is a Flask view that returns "ok": it goes through the same server, the
same workers and the same request hooks (access rule, session, security headers, request
log) as every page, but touches neither the database nor a template (/healthz reads the
database). Each page's requests per second are given as a ratio to it, in the same run.
It exists only in the benchmark's workers; the app itself has no such route.
"""

import runpy
from pathlib import Path

BARE_PATH = "/_bench/bare"

_settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
globals().update({k: v for k, v in _settings.items() if not k.startswith("_")})
_app_pre_fork = _settings["pre_fork"]
_added = []


def pre_fork(server, worker):
    # In the master, before the first fork and before the app's warm-up, while Flask still
    # accepts new routes; the workers inherit the route.
    if not _added:
        import wsgi
        from app.auth.access import PUBLIC, allow

        def bare():
            return "ok"

        wsgi.app.add_url_rule(BARE_PATH, "bench_bare", allow(PUBLIC)(bare))
        _added.append(True)
    _app_pre_fork(server, worker)
