"""Fixtures for accounts: a browser reading English, an SMTP inbox and an SMS gateway on
loopback (tests/functional/notices/servers.py), and the steps of registering."""

from __future__ import annotations

import re

import pytest

from app.notices.delivery import deliver_due
from tests.functional.notices.servers import Gateway, Inbox

STRONG = "lantern orchard seventy"


def browser(app):
    """A browser that reads the site in English (the messages checked are the msgids)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(app):
    return browser(app)


@pytest.fixture
def inbox():
    box = Inbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture
def gateway():
    server = Gateway()
    server.thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def mailing(app, inbox, gateway):
    """Email to the inbox, SMS to the gateway; texts are read from what the gateway took."""
    app.config.update(SMTP_URL=inbox.url, SMS_URL=gateway.url, SMS_TOKEN=gateway.token,
                      BASE_URL="https://yishi.example.org",
                      MAIL_FROM="议事 <notices@yishi.example.org>")
    return app


def texts_to(app, gateway, number: str) -> list[str]:
    """Deliver what is due, then every text the gateway took for `number` (written +86…
    by the codes, as the account keeps it by resets and notices), oldest first."""
    deliver_due(app)
    return [body["text"] for body in gateway.taken.values()
            if body["to"] in (number, "+86" + number)]


def code_to(app, gateway, number: str) -> str:
    """The six digits of the newest text to `number`, as delivered through the outbox."""
    texts = texts_to(app, gateway, number)
    assert texts, f"no text reached {number}"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def register(client, **fields):
    """Step one: the form, with a number; the account is made and a code is texted."""
    data = {"username": "liming", "display_name": "李明", "email": "",
            "mobile": "13800138000", "password": STRONG, "confirm": STRONG, "consent": "y",
            **fields}
    return client.post("/account/register", data=data)


def confirm(client, code: str):
    """Step two: the code typed on My account → My mobile number."""
    return client.post("/account/mobile/confirm", data={"code": code})


def signed_in(client) -> bool:
    return client.get("/account/profile").status_code == 200
