"""A live server on a free local port and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import threading

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
