"""Real servers on loopback for the notices' tests: an SMTP inbox (aiosmtpd) and an SMS gateway.

The SMS gateway speaks the JSON API of docs/notices.md: POST {"to", "text", "id"} with a
bearer token; 202 when taken, 409 when that id was taken before.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
import threading
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it took, and can refuse or hold a message.

    `refusals` are answered to the next DATA commands in turn (e.g. "451 4.3.0 try later").
    While `gate` is set up and not open, DATA waits before it answers; a client that goes
    away meanwhile makes aiosmtpd cancel the wait, and the message is dropped (`aborted`).
    """

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals: list[str] = []
        self.gate: threading.Event | None = None
        self.arrivals = 0
        self.aborted = 0
        self.arrived = threading.Condition()
        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.logins: list[str] = []
        extra = {} if login is None else {
            "authenticator": self._authenticate(login), "auth_require_tls": False,
            "auth_required": True}
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **extra)

    def _authenticate(self, login: tuple[str, str]):
        def check(server, session, envelope, mechanism, data) -> AuthResult:
            ok = isinstance(data, LoginPassword) and \
                (data.login.decode(), data.password.decode()) == login
            if ok:
                self.logins.append(data.login.decode())
            return AuthResult(success=ok, handled=False)  # on a failure: 535

        return check

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.arrived:
            self.arrivals += 1
            self.arrived.notify_all()
        if self.refusals:
            return self.refusals.pop(0)
        try:
            while self.gate is not None and not self.gate.is_set():
                await asyncio.sleep(0.02)
        except asyncio.CancelledError:
            self.aborted += 1
            raise
        self.messages.append(message_from_bytes(envelope.original_content, policy=default))
        return "250 2.0.0 OK: queued"

    def wait_for_arrivals(self, n: int, timeout: float = 20) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: self.arrivals >= n, timeout=timeout)

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


class Gateway(ThreadingHTTPServer):
    """The documented SMS API on loopback: keeps each message taken, by id, once."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _GatewayHandler)
        self.token = secrets.token_hex(8)
        self.taken: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.answers: list[int] = []  # statuses to answer next, before taking any
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v1/messages"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)


class _GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def log_message(self, *args) -> None:  # quiet
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        gateway = self.server
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        request = {"path": self.path, "headers": dict(self.headers),
                   "body": json.loads(raw.decode("utf-8"))}
        gateway.requests.append(request)
        if self.path != "/v1/messages":
            return self._answer(404, {"error": "not_found"})
        if self.headers.get("Authorization") != f"Bearer {gateway.token}":
            return self._answer(401, {"error": "unauthorized"})
        if gateway.answers:
            status = gateway.answers.pop(0)
            return self._answer(status, {"error": "as the test asked"})
        body = request["body"]
        if not {"to", "text", "id"} <= set(body):
            return self._answer(400, {"error": "to, text and id are required"})
        if body["id"] in gateway.taken:
            return self._answer(409, {"error": "duplicate_id", "id": body["id"]})
        gateway.taken[body["id"]] = body
        return self._answer(202, {"id": body["id"], "status": "accepted"})
