"""A live server on a free local port and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.migrate import upgrade
from tests.conftest import environ_for

# The flags keep chromium from reaching for the network this machine does not have.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    return os.environ.get("YISHI_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{instance / 'e2e.db'}"
    upgrade(url)
    # The journeys sign several people in from one address within a minute.
    app = create_app(environ=environ_for(instance, DATABASE_URL=url,
                                         YISHI_LOGIN_RATE_LIMIT="100 per minute"))
    return app


DEMO_PASSWORD = "yishi-demo-2027"


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The whole demo seeded once, on a live server of its own: (base URL, app). The tests
    that check every page (accessibility, phones) read it; none of them changes it."""
    from app.db import get_session
    from app.demo.seed import seed

    instance = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{instance / 'demo.db'}"
    upgrade(url)
    app = create_app(environ=environ_for(instance, DATABASE_URL=url,
                                         YISHI_LOGIN_RATE_LIMIT="100 per minute"))
    with app.app_context():
        db = get_session()
        seed(db, password=DEMO_PASSWORD)
        db.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("Debian's chromium is not installed; scripts/test.sh installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


# --- watched pages: every console error, CSP violation or failed request fails the test ------

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
def watched(browser, request):
    """Open pages that fail the test on any console error (a CSP violation is one), page
    error, failed request or unexpected error status. When the test fails, each page's
    screenshot and console log are kept in test-artifacts/e2e/ for whoever reads CI's output.

    watched(viewport=..., locale="zh-CN", allow=(422,)) -> a new page in its own context;
    `allow` lists statuses a test provokes on purpose (a refused form answers 422).
    """
    pages, problems, logs = [], [], []

    def open_page(viewport=None, locale="zh-CN", allow=(422,)):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                      locale=locale)
        page = context.new_page()
        log: list[str] = []
        logs.append(log)

        def on_console(message):
            log.append(f"[{message.type}] {message.text}")
            allowed = any(f"status of {status}" in message.text for status in allow)
            if message.type == "error" and not allowed:
                problems.append(f"console error on {page.url}: {message.text}")

        def on_response(response):
            if response.status >= 400 and response.status not in allow:
                problems.append(f"{response.status} for {response.url}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"page error on {page.url}: {error}"))
        def on_failed(request):
            # Leaving a page cancels what it was still loading (ERR_ABORTED): not a fault.
            if "ERR_ABORTED" not in (request.failure or ""):
                problems.append(f"request failed: {request.url} ({request.failure})")

        page.on("requestfailed", on_failed)
        page.on("response", on_response)
        pages.append(page)
        return page

    yield open_page
    call = getattr(request.node, "report_call", None)
    if (call is not None and call.failed) or problems:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
        for i, (page, log) in enumerate(zip(pages, logs, strict=True)):
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
            except Exception as exc:  # a closed page still gets its log written
                log.append(f"(no screenshot: {exc})")
            (ARTIFACTS / f"{name}-{i}.log").write_text(
                "\n".join([page.url, *log, *problems]), encoding="utf-8")
    for page in pages:
        page.context.close()
    if problems and not (call is not None and call.failed):
        pytest.fail("the browser reported problems:\n" + "\n".join(problems))
