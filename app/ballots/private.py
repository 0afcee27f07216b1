"""Response headers of the ballot's private pages."""

from __future__ import annotations

from flask import make_response


def no_store(body, status: int = 200):
    """A page no browser or proxy may keep: marks under review, a receipt, a passphrase form.

    Without it the back button or a shared computer's cache could show them to the next person.
    """
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response
