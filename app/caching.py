"""Public pages cached per language and data version, and sent with validators.

What a visitor who is not signed in reads is the same for everyone who reads it in that
language on that day, until someone writes. So for the public pages listed in CACHED:

- The page's key is made of the site's data version (votes/versions.py, raised in the
  transaction of every committed write, `app.db.writing`, with a token drawn at each raise
  so a restored or new database never meets pages cached from another history), the
  language, today's date (pages count days late and days left), the path with its query,
  and the release.
- The key's digest is the page's ETag. A browser or a proxy that sends it back in
  If-None-Match gets 304 Not Modified after one query (the version), before any
  rendering; `Cache-Control: no-cache` tells them to ask every time, so no one is shown
  an old page, and `Vary` keeps languages and sessions apart.
- The rendered page is kept in the shared cache (Redis when REDIS_URL is set, so one
  render serves every app server; otherwise each process keeps its own). A key is never
  reused for other data: a write makes a new version and every old key is simply never
  asked for again (they expire).

Only anonymous readers are served from the cache: a signed-in person's pages carry their
name, their forms' CSRF tokens and their notices. A response is stored only when it is a
plain 200 that set no cookie, made no CSRF token and showed no flashed message.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cachetools import LRUCache
from flask import Flask, Response, current_app, g, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import Engine

from votes import versions

cache = Cache()

# The public GET pages and data a visitor reads without signing in. A page on this list must
# show nothing that changes without a committed write through app.db.writing (or the CLI),
# other than with the date.
CACHED = frozenset({
    "public.home", "public.cycles", "public.cycle", "public.assemblies", "public.assembly",
    "public.proposals", "public.proposal", "public.hot_topics",
    "public.shortlist_page",
    "public.ballot_result", "public.bulletin", "public.results_csv", "public.ballot_check",
    "public.ballot_screen", "public.ballot_qr",
    # The official documents (PDF): one render per data version, not one per reader.
    "public.ballot_announcement", "public.ballot_resolution", "public.evaluation_notice",
    "public.projects", "public.project", "public.project_evaluation",
    "public.cycle_report", "public.report_data",
    "public.councils_list", "public.council", "public.council_ledger", "public.council_ledger_csv",
    "public.council_ledger_xlsx", "public.council_meeting", "public.council_topic",
    "public.open_data", "public.dataset_file",
    "public.requests_list", "public.request_page", "public.request_rates",
})
# Live figures that change with every cast (the big screen's turnout, asked every second by
# every screen in the hall) are kept for at most LIVE_SECONDS whatever is written meanwhile,
# instead of until the next write: the screens promise to be within 2 s of the true count,
# and two hundred of them then cost one render per process each half second, with no query.
LIVE = frozenset({"public.ballot_screen_data"})
LIVE_SECONDS = 0.5
# Every GET of the read-only JSON API is public data too.
CACHED_BLUEPRINTS = frozenset({"api"})
# Headers a stored response keeps; the security headers are added again on every response.
KEPT_HEADERS = ("Content-Disposition",)
VARY = "Cookie, Accept-Language"
TIMEOUT_SECONDS = 3600
# Each process also keeps the pages it served most recently, up to this many bytes, in front
# of the shared cache: a key names one version of the data, so a copy kept here is never
# stale (a write makes a new key), and a hit then costs no trip to Redis.
LOCAL_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class _Page:
    key: str
    etag: str
    version: versions.Version | None  # None for LIVE figures, kept by time


def init_app(app: Flask) -> None:
    if not app.config.get("PAGE_CACHE", True):
        return
    redis_url = app.config.get("REDIS_URL")
    settings = {"CACHE_DEFAULT_TIMEOUT": TIMEOUT_SECONDS, "CACHE_KEY_PREFIX": "yishi:page:"}
    if redis_url:
        settings.update(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    else:
        settings.update(CACHE_TYPE="SimpleCache", CACHE_THRESHOLD=2000)
    cache.init_app(app, config=settings)
    app.extensions["yishi.release"] = _release(app)
    app.extensions["yishi.local_pages"] = LRUCache(
        maxsize=app.config.get("PAGE_CACHE_LOCAL_BYTES", LOCAL_BYTES), getsizeof=_size)
    # How the version is read: straight from a pool of its own; a test whose requests share
    # its own connection (tests/conftest.py) reads it through the request's Session instead.
    app.extensions.setdefault("yishi.read_version", _site_version)
    app.extensions["yishi.version_engine"] = _version_engine(app.config["DATABASE_URL"])
    app.before_request(_serve_from_cache)
    app.after_request(_store)


def _size(stored: tuple) -> int:
    return len(stored[0]) + 256


_local_lock = threading.Lock()  # an LRU reorders itself on every read


def _kept_here(local: LRUCache, key: str) -> tuple | None:
    with _local_lock:
        return local.get(key)


def _keep_here(local: LRUCache, key: str, stored: tuple) -> None:
    with _local_lock:
        try:
            local[key] = stored
        except ValueError:  # a page larger than the whole budget: in the shared cache only
            pass


def _release(app: Flask) -> str:
    """What the code looks like: a deployment's own name, else the templates' and catalogs'
    sizes and times (the same on every server of one checkout, new after any change)."""
    named = os.environ.get("YISHI_RELEASE", "").strip()
    if named:
        return named
    digest = hashlib.sha256()
    root = Path(app.root_path).parent
    for folder in (root / "templates", root / "app" / "translations"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns};"
                              .encode())
    return digest.hexdigest()[:16]


def _cacheable() -> bool:
    if request.method != "GET" or request.endpoint is None:
        return False
    if request.endpoint not in CACHED and request.endpoint not in LIVE \
            and request.blueprint not in CACHED_BLUEPRINTS:
        return False
    if "_flashes" in session:
        return False
    return not current_user.is_authenticated


# The one question every cached page asks, put straight to a pooled connection: no Session,
# no ORM, no transaction (about 10 µs on SQLite instead of about 140 µs). Read before
# anything the page shows, so a page is never kept under a version newer than its data.
# Its pool's connections are in autocommit, and neither pinged at checkout nor rolled back
# at return: on PostgreSQL the read is one round trip instead of three.
_VERSION_SQL = ("SELECT version, token, changed_at FROM data_versions "
                "WHERE scope = 'site'")  # versions.SITE


def session_version() -> versions.Version | None:
    """The version as the request's Session sees it (its own transaction, its own bind)."""
    from app.db import get_session

    return versions.current(get_session())


def _version_engine(url: str) -> Engine:
    from app.db import make_engine

    return make_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                       pool_reset_on_return=None)


def _site_version() -> versions.Version | None:
    engine = current_app.extensions["yishi.version_engine"]
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    except engine.dialect.loaded_dbapi.Error:
        # A connection the server dropped (a restart): forgotten, and this page is served
        # as if uncached; the next request opens a new one.
        connection.invalidate()
        return None
    finally:
        connection.close()
    if row is None:
        return None
    number, token, changed_at = row
    if isinstance(changed_at, str):  # SQLite keeps the moment as text
        changed_at = datetime.fromisoformat(changed_at)
    if changed_at.tzinfo is None:
        changed_at = changed_at.replace(tzinfo=UTC)
    return versions.Version(int(number), str(token), changed_at)


def _now() -> float:
    return time.time()


def _page() -> _Page | None:
    from app.implementation.support import today

    if request.endpoint in LIVE:  # the same key for everyone in one half second
        version, kept = None, f"live:{int(_now() / LIVE_SECONDS)}"
    else:
        version = current_app.extensions["yishi.read_version"]()
        if version is None:
            return None
        kept = version.key
    key = "|".join((
        kept, str(getattr(g, "locale", "")), today().isoformat(),
        current_app.extensions["yishi.release"], request.full_path,
    ))
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    return _Page(key=key, etag=etag, version=version)


def _serve_from_cache() -> Response | None:
    if not _cacheable():
        return None
    page = _page()
    if page is None:
        return None
    g.cached_page = page
    if page.etag in request.if_none_match:
        g.page_cache = "revalidated"
        return _validated(Response(status=304), page)
    local = current_app.extensions["yishi.local_pages"]
    stored = _kept_here(local, page.key)
    if stored is None:
        stored = cache.get(page.key)
        if stored is None:
            g.page_cache = "miss"
            return None
        _keep_here(local, page.key, stored)
    body, mimetype, headers = stored
    g.page_cache = "hit"
    g.page_stored = True  # nothing to store again on the way out
    return _validated(Response(body, mimetype=mimetype, headers=headers), page)


def _validated(response: Response, page: _Page) -> Response:
    response.set_etag(page.etag)
    if page.version is not None:
        response.last_modified = page.version.changed_at
    response.headers["Cache-Control"] = "public, no-cache"
    response.headers["Vary"] = VARY
    return response


def _store(response: Response) -> Response:
    page: _Page | None = g.get("cached_page")
    if page is None or g.get("page_stored"):
        return response
    if response.status_code != 200 or "Set-Cookie" in response.headers \
            or session.modified or "csrf_token" in g or "_flashes" in session:
        return response
    if not response.is_streamed and not response.direct_passthrough:
        headers = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
        stored = (response.get_data(), response.mimetype, headers)
        cache.set(page.key, stored)
        _keep_here(current_app.extensions["yishi.local_pages"], page.key, stored)
    # A streamed download is not kept, but its validator still spares the next reader it.
    return _validated(response, page)
