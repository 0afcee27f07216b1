"""One JSON line per request, on the "yishi.requests" logger, with nothing about the person.

A line says what was asked of which route, how it ended and how long it took:

    {"time": "2027-03-01T08:00:00.123Z", "request_id": "5f0c…", "method": "POST",
     "endpoint": "delegates.cast", "rule": "/delegate/ballots/<int:ballot_id>/cast",
     "status": 200, "duration_ms": 12.5, "size": 4321, "signed_in": true}

("signed_in": whether someone is signed in once the request is done, so a sign-in's own
line says true) and, after an unhandled exception, "error": the exception's type (never its
message, which may quote what someone typed). The route is logged as its pattern, never as
the path that was asked for, so no id, search word or mistyped address reaches the log; nor
do the query string, the form, cookies, headers, the response body, the user (name, id) or
their address. A ballot's marks, its receipt and the tellers' passphrases only ever travel
in those.

The request id is random for each request and is sent back as the X-Request-Id header, so
someone reporting a problem can quote it. YISHI_REQUEST_LOG=0 turns all this off.
"""

from __future__ import annotations

import json
import logging
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, request, session

LOGGER_NAME = "yishi.requests"
HEADER = "X-Request-Id"
# Anything else a client sends as its method is logged as OTHER: the line holds no free text.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

logger = logging.getLogger(LOGGER_NAME)


class _StdoutHandler(logging.StreamHandler):
    """The handler this module adds (so a second create_app does not add another)."""


def _configure_logger(testing: bool, level: str) -> None:
    logger.setLevel(level)
    for handler in [h for h in logger.handlers if isinstance(h, _StdoutHandler)]:
        logger.removeHandler(handler)
    if testing:
        # Tests read the records through the root logger (pytest's caplog).
        logger.propagate = True
        return
    handler = _StdoutHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    # The line is already whole; root handlers would print it a second time in their format.
    logger.propagate = False


def _start() -> None:
    g.yishi_request = {"id": secrets.token_hex(16), "at": datetime.now(UTC),
                       "start": time.perf_counter()}


def _signed_in() -> bool:
    # The user flask-login loaded for this request, if it did; otherwise whether the session
    # names one (without loading the user from the database just for the log line).
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def _finish(response: Response) -> Response:
    state = g.get("yishi_request")
    if state is None:
        return response
    response.headers[HEADER] = state["id"]
    state["status"] = response.status_code
    state["size"] = None if response.is_streamed else response.content_length
    state["signed_in"] = _signed_in()
    return response


def _emit(error: BaseException | None) -> None:
    state = g.pop("yishi_request", None)
    if state is None:
        return
    rule = request.url_rule
    line = {
        "time": state["at"].isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "request_id": state["id"],
        "method": request.method if request.method in METHODS else "OTHER",
        "endpoint": request.endpoint,
        "rule": rule.rule if rule is not None else None,
        "status": state.get("status", 500),
        "duration_ms": round((time.perf_counter() - state["start"]) * 1000, 1),
        "size": state.get("size"),
        "signed_in": state.get("signed_in", False),
    }
    cached = g.get("page_cache")  # app/caching.py: hit, revalidated (304) or miss
    if cached is not None:
        line["cache"] = cached
    if error is not None:
        kind = type(error)
        line["error"] = f"{kind.__module__}.{kind.__qualname__}"
    level = logging.ERROR if error is not None or line["status"] >= 500 else logging.INFO
    logger.log(level, json.dumps(line, ensure_ascii=False, separators=(",", ":")))


def init_app(app: Flask) -> None:
    if not app.config.get("REQUEST_LOG", True):
        return
    _configure_logger(app.config.get("TESTING", False),
                      app.config.get("REQUEST_LOG_LEVEL", "INFO"))
    # First of all before_request functions: one that refuses (access, HTTPS) still gets a line.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
    # The line is written at teardown, which also runs after an unhandled exception.
    app.teardown_request(_emit)
