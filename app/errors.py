"""Friendly error pages in the user's language, for people and for JSON clients alike."""

import io

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict

from app.uploads import PHOTO_LIMITS


def _forget_refused_body() -> None:
    """Make the request look as if it came with an empty body.

    Werkzeug refuses an oversized body each time it is read, and a page for a signed-in
    user builds forms (the logout form, its CSRF token) that read request.form and
    request.files when the method is POST: the 413 page would raise 413 again and end as
    a 500. Nothing of the body is wanted any more, so it is replaced by an empty one.
    """
    empty = ImmutableMultiDict()
    request.__dict__.update(stream=io.BytesIO(), form=empty, files=empty)
    request._cached_data = b""
    # (normal, silent) results of get_json: a JSON body over the limit reads as none.
    request._cached_json = (None, None)


def too_large(error):
    _forget_refused_body()
    # The limits a person can act on are the photos'; the request limit (config) is their
    # total plus room for the text, so whoever keeps to these never sees this page.
    return render_template(
        "errors/413.html", error=error, photos=PHOTO_LIMITS["n"], photo_mb=PHOTO_LIMITS["mb"],
        total_mb=PHOTO_LIMITS["total"],
    ), 413


def init_app(app: Flask) -> None:
    def page(template: str, status: int):
        def handler(error):
            return render_template(template, error=error), status

        return handler

    app.register_error_handler(400, page("errors/400.html", 400))
    app.register_error_handler(CSRFError, page("errors/csrf.html", 400))
    app.register_error_handler(403, page("errors/403.html", 403))
    app.register_error_handler(404, page("errors/404.html", 404))
    app.register_error_handler(405, page("errors/405.html", 405))
    app.register_error_handler(413, too_large)
    app.register_error_handler(429, page("errors/429.html", 429))
    app.register_error_handler(500, page("errors/500.html", 500))
