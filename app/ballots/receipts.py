"""The receipt code a delegate sees on the review page, before the ballot is cast.

The code is drawn when the review page is shown and carried, with a seal, in the review
form: if the answer to "cast" is lost on the way, the delegate has the code already. The seal
(an HMAC under the app's secret key over the ballot, the delegate and the code) keeps anyone
from choosing their own code, or using another's. Nothing is stored: no row links a person
to a receipt.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request

from votes.casting import new_tracker, normalise_tracker

FIELD, SEAL_FIELD = "receipt", "receipt_seal"


def _seal(ballot_id: int, user_id: int, tracker: str) -> str:
    key = current_app.secret_key
    key = key.encode("utf-8") if isinstance(key, str) else key
    message = f"yishi-receipt:{ballot_id}:{user_id}:{tracker}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def issue(ballot_id: int, user_id: int) -> tuple[str, str]:
    """A fresh receipt code for this delegate's ballot, and its seal."""
    tracker = new_tracker()
    return tracker, _seal(ballot_id, user_id, tracker)


def posted(ballot_id: int, user_id: int) -> str | None | bool:
    """The receipt code the review form carried: the code, None when the form carried none
    (the engine then draws one), or False when it was altered or is another's."""
    tracker, seal = request.form.get(FIELD), request.form.get(SEAL_FIELD)
    if tracker is None and seal is None:
        return None
    normal = normalise_tracker(tracker or "")
    if normal is None or not hmac.compare_digest(_seal(ballot_id, user_id, normal), seal or ""):
        return False
    return normal
