"""Email notices: the message (its Message-ID made from the delivery's key), SMTP and a console."""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Protocol, TextIO
from urllib.parse import unquote, urlsplit

from app.notices.rendering import Rendered
from votes.base import utcnow


class DeliveryError(Exception):
    """An attempt that did not deliver; a permanent one is not tried again."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def message_id(key: str, domain: str) -> str:
    """The same key gives the same Message-ID, so a copy sent twice is recognisably one."""
    return f"<{key}@{domain}>"


def build_email(rendered: Rendered, *, to: str, sender: str, key: str, domain: str,
                language: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = rendered.subject
    message["Message-ID"] = message_id(key, domain)
    message["Date"] = format_datetime(utcnow())
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(rendered.body, charset="utf-8")
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = "zh-Hans" if language.startswith("zh") else language
    return message


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class ConsoleMailer:
    """Development: the email is written to the worker's output instead of being sent."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, message: EmailMessage) -> None:
        stream = self.stream or sys.stdout
        heads = "".join(f"{name}: {message[name]}\n"
                        for name in ("From", "To", "Subject", "Message-ID", "Content-Language"))
        stream.write(f"---- email (console; set SMTP_URL to send) ----\n{heads}\n"
                     f"{message.get_content()}---- end of email ----\n")
        stream.flush()


def _temporary(code: int) -> bool:
    return 400 <= code < 500


class SmtpMailer:
    """One SMTP session per message. The message counts as sent at the server's final 250
    (the end of DATA): whatever fails after it (QUIT) does not make it unsent."""

    def __init__(self, url: str, *, user: str | None = None, password: str | None = None,
                 starttls: bool = False, timeout: int = 30) -> None:
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 25)
        self.user = user or (unquote(parts.username) if parts.username else None)
        self.password = password or (unquote(parts.password) if parts.password else None)
        self.starttls = starttls
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                    context=ssl.create_default_context())
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def send(self, message: EmailMessage) -> None:
        try:
            smtp = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"cannot reach the SMTP server: {error}") from error
        try:
            smtp.ehlo()
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if self.user:
                smtp.login(self.user, self.password or "")
            refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            # The codes only: the address is not repeated in logs and last_error.
            raise DeliveryError(f"recipient refused: SMTP {codes}",
                                permanent=not any(_temporary(c) for c in codes)) from error
        except smtplib.SMTPResponseException as error:
            # 4xx (greylisting, a full queue, a login the admin will fix) is tried again;
            # 5xx is the server's final no.
            permanent = error.smtp_code >= 500 and not isinstance(
                error, smtplib.SMTPAuthenticationError)
            raise DeliveryError(f"SMTP {error.smtp_code}: {error.smtp_error!r}",
                                permanent=permanent) from error
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(f"SMTP session broke off: {error}") from error
        finally:
            _close(smtp)
        if refused:  # only some recipients; a notice has one, so this is rare
            codes = [code for code, _ in refused.values()]
            raise DeliveryError(f"recipient refused: SMTP {codes}", permanent=True)


QUIT_SECONDS = 2  # the server has the message already: its goodbye is not waited for long


def _close(smtp: smtplib.SMTP) -> None:
    try:
        if smtp.sock is not None:
            smtp.sock.settimeout(QUIT_SECONDS)
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
