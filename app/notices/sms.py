"""SMS notices through a provider: one HTTP gateway (its JSON API in docs/notices.md), a console.

A provider's `send` returns when the gateway has taken the message, and raises
mail.DeliveryError otherwise. The delivery's key goes with the message as its id, so a
gateway that keeps ids answers a repeat with 409 and sends nothing twice.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from typing import Protocol, TextIO

from app.notices.mail import DeliveryError


class SmsProvider(Protocol):
    def send(self, to: str, text: str, key: str) -> None: ...


class ConsoleSms:
    """Development: the text message is written to the worker's output."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, to: str, text: str, key: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"---- SMS (console; set SMS_URL to send) to {to} [{key}] ----\n"
                     f"{text}\n---- end of SMS ----\n")
        stream.flush()


class HttpSmsGateway:
    """POST {"to", "text", "id"} as JSON with a bearer token; 2xx or 409 means taken."""

    def __init__(self, url: str, *, token: str | None = None, timeout: int = 15) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("the SMS gateway's URL is http:// or https://")
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, to: str, text: str, key: str) -> None:
        body = json.dumps({"to": to, "text": text, "id": key}, ensure_ascii=False)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "Accept": "application/json", "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        ask = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)
            self.url, data=body.encode("utf-8"), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(ask, timeout=self.timeout) as answer:  # noqa: S310
                answer.read()
        except urllib.error.HTTPError as error:
            if error.code == 409:  # the gateway has this id already: it was sent before
                return
            said = error.read()[:200].decode("utf-8", "replace")
            # 429 (slow down) and 5xx are tried again; any other 4xx is the gateway's no.
            temporary = error.code == 429 or error.code >= 500
            raise DeliveryError(f"SMS gateway {error.code}: {said}",
                                permanent=not temporary) from error
        except (OSError, urllib.error.URLError) as error:
            raise DeliveryError(f"cannot reach the SMS gateway: {error}") from error
