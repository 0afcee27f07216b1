"""A notice as an email or an SMS: in its reader's language, with an absolute link to its item."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.messages import notification_text
from app.templating import notification_url
from votes.people import User

SUBJECT_MAX = 70  # characters of the notice kept in a subject line


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    url: str | None  # the item's page, absolute


def language_of(app: Flask, user: User) -> str:
    return user.locale if user.locale in app.config["LANGUAGES"] \
        else app.config["BABEL_DEFAULT_LOCALE"]


@contextmanager
def reading_as(app: Flask, user: User) -> Iterator[None]:
    """Render as a page would for `user`: their language, links on the configured site."""
    with app.test_request_context("/", base_url=app.config["BASE_URL"]), \
            force_locale(language_of(app, user)):
        yield


def _absolute(path: str | None) -> str | None:
    return None if path is None else request.host_url.rstrip("/") + path


def _short(text: str, limit: int = SUBJECT_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _footer() -> str:
    return "-- \n" + _("You get these notices because of your choices on your account. "
                       "Change them here: %(url)s",
                       url=_absolute(url_for("auth.notice_choices")))


def render_email(notification) -> Rendered:
    """One notice as an email (call within reading_as)."""
    text = notification_text(notification)
    url = _absolute(notification_url(notification))
    lines = [text, ""]
    if url:
        lines += [_("See it on Yishi: %(url)s", url=url), ""]
    lines.append(_footer())
    return Rendered(_("[Yishi] %(notice)s", notice=_short(text)), "\n".join(lines) + "\n", url)


def render_digest(notifications: Sequence) -> Rendered:
    """The day's notices in one email (call within reading_as)."""
    count = len(notifications)
    lines = [ngettext("Your notice of the day on Yishi:",
                      "Your %(num)d notices of the day on Yishi:", count), ""]
    for notification in notifications:
        lines.append(f"• {notification_text(notification)}")
        url = _absolute(notification_url(notification))
        if url:
            lines.append(f"  {url}")
    lines += ["", _footer()]
    subject = ngettext("[Yishi] %(num)d notice of the day",
                       "[Yishi] %(num)d notices of the day", count)
    return Rendered(subject, "\n".join(lines) + "\n", None)


def render_sms(notification) -> str:
    """One notice as a text message: the notice and its link (call within reading_as)."""
    text = notification_text(notification)
    url = _absolute(notification_url(notification))
    if url:
        return _("[Yishi] %(notice)s %(url)s", notice=text, url=url)
    return _("[Yishi] %(notice)s", notice=text)
